"""Reading a few leads' share of `stage_tallies` and adding the difference a change made (see
domain/tallies.py). Called by the read model around every write to stage events, lead facts or
touches, in the same transaction."""

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.tallies import Changes, Groups, LeadShares, tally_changes
from .tables import stage_tallies

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

# Each lead's stage changes: +1 to the stage an event enters, -1 to the one before it (by time),
# read through the index on (lead_id, at, event_id), a lead at a time.
_CHANGES = text("""
WITH ev AS (
    SELECT e.lead_id, (e.at AT TIME ZONE 'UTC')::date AS day, e.to_stage,
           lag(e.to_stage) OVER (PARTITION BY e.lead_id ORDER BY e.at, e.event_id) AS prev
    FROM unnest(CAST(:leads AS text[])) AS l(lead_id)
    CROSS JOIN LATERAL (SELECT * FROM stage_events s WHERE s.lead_id = l.lead_id OFFSET 0) e
)
SELECT lead_id, day, to_stage AS stage, 1 AS delta FROM ev
UNION ALL SELECT lead_id, day, prev, -1 FROM ev WHERE prev IS NOT NULL
""")


async def lead_groups(session: AsyncSession, lead_ids: list[str]) -> dict[str, Groups]:
    if not lead_ids:
        return {}
    found: dict[str, set] = {}
    for r in await session.execute(_GROUPS, {"leads": sorted(set(lead_ids))}):
        found.setdefault(r.lead_id, set()).add((r.dimension, r.grp))
    return {lead_id: frozenset(groups) for lead_id, groups in found.items()}


async def lead_changes(session: AsyncSession, lead_ids: list[str]) -> dict[str, Changes]:
    if not lead_ids:
        return {}
    found: dict[str, Changes] = {}
    for r in await session.execute(_CHANGES, {"leads": sorted(set(lead_ids))}):
        found.setdefault(r.lead_id, []).append((r.day, r.stage, r.delta))
    return found


async def add_changes(session: AsyncSession, before: LeadShares, after: LeadShares) -> None:
    rows = tally_changes(before, after)
    if not rows:
        return
    stmt = pg_insert(stage_tallies)
    stmt = stmt.on_conflict_do_update(
        index_elements=[stage_tallies.c.dimension, stage_tallies.c.grp, stage_tallies.c.span,
                        stage_tallies.c.starts, stage_tallies.c.stage],
        set_={"delta": stage_tallies.c.delta + stmt.excluded.delta},
    )
    keys = ("dimension", "grp", "span", "starts", "stage", "delta")
    await session.execute(stmt, [dict(zip(keys, row)) for row in rows])
