"""What the read model keeps as events arrive, next to what its migrations build from the stored
events and touches at once (0005 `lead_items`, 0004 `stage_tallies`, 0008 the events' timeline
columns, `funnel_tallies` and the attribution credits and tallies): both ways must agree."""

import importlib

from sqlalchemy import text

_BACKFILLS = [importlib.import_module(f"reporting.migrations.versions.{m}")._BACKFILL
              for m in ("0005_lead_items", "0004_report_queries", "0008_timeline_rollups")]
READS = {
    "lead_items": "SELECT lead_id, item FROM lead_items ORDER BY 1, 2",
    "stage_tallies": "SELECT dimension, grp, span, starts, stage, delta FROM stage_tallies WHERE delta <> 0 ORDER BY 1, 2, 3, 4, 5",
    "timelines": "SELECT event_id, prev_at, prev_stage, prior_max FROM stage_events ORDER BY 1",
    "funnel_tallies": "SELECT dimension, grp, span, starts, measure, stage, detail, n FROM funnel_tallies WHERE n <> 0"
                      " ORDER BY 1, 2, 3, 4, 5, 6, 7",
    "attribution_credits": "SELECT * FROM attribution_credits ORDER BY 1, 2, 3",
    "attribution_tallies": "SELECT * FROM attribution_tallies WHERE first_touch <> 0 OR last_touch <> 0 OR linear <> 0"
                           " ORDER BY 1, 2, 3, 4",
}
_RESET = ["DELETE FROM stage_tallies", "DELETE FROM lead_items", "DELETE FROM funnel_tallies",
          "DELETE FROM attribution_credits", "DELETE FROM attribution_tallies",
          "UPDATE stage_events SET prev_at = NULL, prev_stage = NULL, prior_max = -1"]


async def kept(session) -> dict[str, list]:
    return {name: (await session.execute(text(sql))).all() for name, sql in READS.items()}


async def rebuilt(session) -> dict[str, list]:
    """The same tables built by the migrations' backfills, inside a savepoint rolled back after."""
    async with session.begin_nested() as savepoint:
        for sql in _RESET:
            await session.execute(text(sql))
        for backfill in _BACKFILLS:
            for sql in (backfill,) if isinstance(backfill, str) else backfill:
                await session.execute(text(sql))
        out = await kept(session)
        await savepoint.rollback()
    return out
