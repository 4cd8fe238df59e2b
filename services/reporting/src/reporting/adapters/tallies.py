"""Reading a few leads' share of `stage_tallies` and adding the difference a change made (see
domain/tallies.py). Called by the read model around every write to stage events, lead facts or
touches, in the same transaction."""

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.tallies import LeadShares, tally_changes
from .tables import stage_tallies

# The groups a lead is counted in, per dimension; `:leads` are the lead ids. Mirrors
# domain/slicing.py: no facts or an empty value is "unknown"; by content the lead's items from
# `lead_items` (a few rows per lead, however many touches it has: a batch's cost stays flat in
# the leads' history). The same expressions are in report_queries.py.
_SHARES = text("""
WITH ev AS (
    SELECT lead_id, (at AT TIME ZONE 'UTC')::date AS day, to_stage,
           lag(to_stage) OVER (PARTITION BY lead_id ORDER BY at, event_id) AS prev
    FROM stage_events WHERE lead_id = ANY(:leads)
), changes AS (
    SELECT lead_id, day, to_stage AS stage, 1 AS delta FROM ev
    UNION ALL SELECT lead_id, day, prev, -1 FROM ev WHERE prev IS NOT NULL
), member AS (
    SELECT l.lead_id, d.dimension, d.grp
    FROM (SELECT DISTINCT lead_id FROM ev) l LEFT JOIN lead_facts f ON f.lead_id = l.lead_id
    CROSS JOIN LATERAL (VALUES ('all', ''),
        ('source', coalesce(nullif(f.source, ''), 'unknown')),
        ('campaign', coalesce(nullif(f.campaign, ''), 'unknown')),
        ('persona', coalesce(nullif(f.persona, ''), 'unknown'))) AS d(dimension, grp)
    UNION
    SELECT i.lead_id, 'content', i.item
    FROM lead_items i WHERE i.lead_id = ANY(:leads) AND i.lead_id IN (SELECT lead_id FROM ev)
)
SELECT m.dimension, m.grp, c.day, c.stage, sum(c.delta)::int AS delta
FROM changes c JOIN member m ON m.lead_id = c.lead_id
GROUP BY 1, 2, 3, 4
""")


async def lead_shares(session: AsyncSession, lead_ids: list[str]) -> LeadShares:
    if not lead_ids:
        return {}
    rows = await session.execute(_SHARES, {"leads": sorted(set(lead_ids))})
    return {(r.dimension, r.grp, r.day, r.stage): r.delta for r in rows}


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
