"""Reading a few leads' groups and events, and adding the difference a change made to their share
of `stage_tallies` and `funnel_tallies` (see domain/tallies.py, domain/funnel_days.py). Called by
the read model around every write to stage events, lead facts or touches, in the same transaction."""

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.tallies import Groups
from ..domain.timeline import LeadEvent
from .tables import funnel_tallies, stage_tallies

# The groups each lead is counted in (`:leads`, whether known or not). Mirrors
# domain/slicing.py: no facts or an empty value is "unknown"; by content the lead's items from
# `lead_items` (a few rows per lead, however many touches it has). The same expressions are in
# report_queries.py. One index lookup per lead (the lateral subqueries, fenced by OFFSET 0 so the
# planner cannot turn them into a scan of the whole table): cheap enough around every write.
_GROUPS = text("""
SELECT l.lead_id, d.dimension, d.grp
FROM unnest(CAST(:leads AS text[])) AS l(lead_id)
LEFT JOIN LATERAL (SELECT source, campaign, persona FROM lead_facts f WHERE f.lead_id = l.lead_id OFFSET 0) f ON true
CROSS JOIN LATERAL (VALUES ('all', ''),
    ('source', coalesce(nullif(f.source, ''), 'unknown')),
    ('campaign', coalesce(nullif(f.campaign, ''), 'unknown')),
    ('persona', coalesce(nullif(f.persona, ''), 'unknown'))) AS d(dimension, grp)
UNION
SELECT l.lead_id, 'content', i.item
FROM unnest(CAST(:leads AS text[])) AS l(lead_id)
CROSS JOIN LATERAL (SELECT item FROM lead_items i WHERE i.lead_id = l.lead_id OFFSET 0) i
""")

# Each lead's stage events (its timeline, domain/timeline.py) through the index on
# (lead_id, at, event_id), a lead at a time.
_TIMELINES = text("""
SELECT e.event_id, e.lead_id, e.at, e.from_stage, e.to_stage, e.reason, e.prev_at, e.prev_stage, e.prior_max
FROM unnest(CAST(:leads AS text[])) AS l(lead_id)
CROSS JOIN LATERAL (SELECT * FROM stage_events s WHERE s.lead_id = l.lead_id OFFSET 0) e
""")


async def lead_groups(session: AsyncSession, lead_ids: list[str]) -> dict[str, Groups]:
    if not lead_ids:
        return {}
    found: dict[str, set] = {}
    for r in await session.execute(_GROUPS, {"leads": sorted(set(lead_ids))}):
        found.setdefault(r.lead_id, set()).add((r.dimension, r.grp))
    return {lead_id: frozenset(groups) for lead_id, groups in found.items()}


async def lead_timelines(session: AsyncSession, lead_ids: list[str]) -> dict[str, list[LeadEvent]]:
    """The leads' stored events in order, as stored (a lead without events is not in the answer)."""
    if not lead_ids:
        return {}
    found: dict[str, list[LeadEvent]] = {}
    for r in await session.execute(_TIMELINES, {"leads": sorted(set(lead_ids))}):
        found.setdefault(r.lead_id, []).append(LeadEvent(*r))
    return {lead_id: sorted(events, key=lambda e: (e.at, e.event_id)) for lead_id, events in found.items()}


async def add_changes(session: AsyncSession, rows: list[tuple]) -> None:
    """Rows of domain.tallies.tally_changes added to `stage_tallies`."""
    await _add(session, stage_tallies, ("dimension", "grp", "span", "starts", "stage"), "delta", ("text", "text", "text", "date", "text"), rows)


async def add_funnel_changes(session: AsyncSession, rows: list[tuple]) -> None:
    """Rows of domain.tallies.tally_changes over domain.funnel_days counts added to `funnel_tallies`."""
    await _add(session, funnel_tallies, ("dimension", "grp", "span", "starts", "measure", "stage", "detail"), "n",
               ("text", "text", "text", "date", "text", "text", "text"), rows)


async def _add(session: AsyncSession, table: Table, keys: tuple[str, ...], value: str, types: tuple[str, ...],
               rows: list[tuple]) -> None:
    """One statement of arrays (rows in the order given: the lock order) adding `value` per key."""
    if not rows:
        return
    columns = [*keys, value]
    arrays = ", ".join(f"CAST(:c{i} AS {t}[])" for i, t in enumerate((*types, "int")))
    sql = text(f"""
        INSERT INTO {table.name} ({", ".join(columns)}) SELECT * FROM unnest({arrays})
        ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {value} = {table.name}.{value} + excluded.{value}""")
    await session.execute(sql, {f"c{i}": list(col) for i, col in enumerate(zip(*rows, strict=True))})
