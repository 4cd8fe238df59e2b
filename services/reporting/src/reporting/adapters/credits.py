"""Keeping `attribution_credits` and `attribution_tallies` (domain/credits.py) in step: a lead's
credit for a stage is computed from its touches up to the moment it reached the stage, compared
with the one stored, and replaced; the tallies get the difference. Called by the read model when
leads reach an attributed stage (or reach it earlier, by a late event), when touches arrive at or
before that moment, and when a visitor's touches become a lead's; a few statements per batch."""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.credits import ATTRIBUTED, ItemCredit, credit_changes
from ..domain.model import FUNNEL

Pairs = dict[tuple[str, str], datetime]  # (lead, stage) -> when the lead first reached the stage

# When each lead first reached each attributed stage (that stage or a later one), from its own
# events through ix_stage_events_lead (which holds to_stage).
_REACHED = text(f"""
SELECT lead_id, {", ".join(
    f"min(at) FILTER (WHERE to_stage IN ({', '.join(repr(s) for s in FUNNEL[FUNNEL.index(stage):])})) AS {stage}"
    for stage in ATTRIBUTED)}
FROM stage_events WHERE lead_id = ANY(CAST(:leads AS text[])) GROUP BY lead_id
""")

# Each (lead, stage, moment)'s touches up to that moment, per item: how many, and whether the first
# or the last touch (by time, then event id) was of it. Same item as Touch.item and ix_touches_item.
_COMPUTE = text("""
SELECT p.lead_id, p.stage, t.item, p.at, count(*)::int AS touches, max((t.i = 1)::int) AS first, max((t.j = 1)::int) AS last
FROM unnest(CAST(:leads AS text[]), CAST(:stages AS text[]), CAST(:ats AS timestamptz[])) AS p(lead_id, stage, at)
CROSS JOIN LATERAL (
    SELECT coalesce(nullif(content_id, ''), type) AS item,
           row_number() OVER (ORDER BY at, event_id) AS i, row_number() OVER (ORDER BY at DESC, event_id DESC) AS j
    FROM touches WHERE lead_id = p.lead_id AND at <= p.at
) t
GROUP BY 1, 2, 3, 4
""")

_STORED = text("""
SELECT lead_id, stage, item, reached_at, touches, n, first_touch, last_touch FROM attribution_credits
WHERE lead_id = ANY(CAST(:leads AS text[]))
""")

_DELETE = text("""
DELETE FROM attribution_credits c USING unnest(CAST(:leads AS text[]), CAST(:stages AS text[])) AS p(lead_id, stage)
WHERE c.lead_id = p.lead_id AND c.stage = p.stage
""")

_INSERT = text("""
INSERT INTO attribution_credits (lead_id, stage, item, reached_at, touches, n, first_touch, last_touch)
SELECT * FROM unnest(CAST(:leads AS text[]), CAST(:stages AS text[]), CAST(:items AS text[]),
                     CAST(:ats AS timestamptz[]), CAST(:touches AS int[]), CAST(:ns AS int[]),
                     CAST(:firsts AS smallint[]), CAST(:lasts AS smallint[]))
""")

_ADD = text("""
INSERT INTO attribution_tallies (stage, span, starts, item, first_touch, last_touch, linear)
SELECT * FROM unnest(CAST(:stages AS text[]), CAST(:spans AS text[]), CAST(:starts AS date[]), CAST(:items AS text[]),
                     CAST(:firsts AS int[]), CAST(:lasts AS int[]), CAST(:linears AS numeric[]))
ON CONFLICT (stage, span, starts, item) DO UPDATE SET
    first_touch = attribution_tallies.first_touch + excluded.first_touch,
    last_touch = attribution_tallies.last_touch + excluded.last_touch,
    linear = attribution_tallies.linear + excluded.linear
""")


async def reach_times(session: AsyncSession, lead_ids: list[str]) -> Pairs:
    """When each of these leads first reached each attributed stage (stages not reached left out)."""
    if not lead_ids:
        return {}
    rows = await session.execute(_REACHED, {"leads": sorted(set(lead_ids))})
    return {(r.lead_id, stage): at for r in rows for stage, at in zip(ATTRIBUTED, r[1:], strict=True) if at is not None}


async def recredit(session: AsyncSession, pairs: Pairs) -> None:
    """Recompute these leads' credit for these stages (each reached at the moment given) and write
    what changed."""
    if not pairs:
        return
    keys = sorted(pairs)
    computed = _credits(await session.execute(_COMPUTE, {
        "leads": [lead for lead, _ in keys], "stages": [stage for _, stage in keys], "ats": [pairs[k] for k in keys]}))
    stored = [c for c in await _stored(session, sorted({lead for lead, _ in keys})) if (c.lead_id, c.stage) in pairs]
    changed = sorted({(c.lead_id, c.stage) for c in set(computed) ^ set(stored)})
    if not changed:
        return
    before = [c for c in stored if (c.lead_id, c.stage) in changed]
    after = [c for c in computed if (c.lead_id, c.stage) in changed]
    await session.execute(_DELETE, {"leads": [lead for lead, _ in changed], "stages": [stage for _, stage in changed]})
    if after:
        after.sort(key=lambda c: (c.lead_id, c.stage, c.item))
        await session.execute(_INSERT, {
            "leads": [c.lead_id for c in after], "stages": [c.stage for c in after], "items": [c.item for c in after],
            "ats": [c.reached_at for c in after], "touches": [c.touches for c in after], "ns": [c.n for c in after],
            "firsts": [c.first for c in after], "lasts": [c.last for c in after]})
    rows = credit_changes(before, after)
    if rows:
        columns = list(zip(*rows, strict=True))
        await session.execute(_ADD, dict(zip(("stages", "spans", "starts", "items", "firsts", "lasts", "linears"),
                                             map(list, columns), strict=True)))


def _credits(rows) -> list[ItemCredit]:
    """Rows (lead, stage, item, moment, touches, first, last) as credits, n summed per (lead, stage)."""
    rows = list(rows)
    n: dict[tuple[str, str], int] = {}
    for r in rows:
        n[(r.lead_id, r.stage)] = n.get((r.lead_id, r.stage), 0) + r.touches
    return [ItemCredit(r.lead_id, r.stage, r.item, r.at, r.touches, n[(r.lead_id, r.stage)], r.first, r.last)
            for r in rows]


async def _stored(session: AsyncSession, lead_ids: list[str]) -> list[ItemCredit]:
    return [ItemCredit(*r) for r in await session.execute(_STORED, {"leads": lead_ids})]
