"""REPORTING_RETENTION_DAYS on the real database: touches older than the cutoff go a batch at a
time, newer ones, the stage events and the rollups stay, the cutoff is recorded, and attribution
over a period that starts before it says its touches are incomplete."""

from datetime import UTC, datetime, timedelta

import pytest
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.retention import Purge, purge_once
from reporting import reports
from reporting.adapters.report_queries import SqlReports
from reporting.bootstrap import retention_purges
from reporting.domain.model import Period
from sqlalchemy import text

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
CUTOFF = NOW - timedelta(days=730)

_TOUCHES = text(
    "INSERT INTO touches (event_id, lead_id, type, at, content_id)"
    " SELECT :prefix || g, 'lead-' || (g % 7), 'page_visited', CAST(:at AS timestamptz) - g * interval '1 minute',"
    " 'item-' || (g % 3) FROM generate_series(1, :n) g"
)
_ITEMS = text("INSERT INTO lead_items (lead_id, item) SELECT DISTINCT lead_id, content_id FROM touches")
_SALES_READY = text(
    "INSERT INTO stage_events (event_id, lead_id, from_stage, to_stage, at)"
    " SELECT 'ready-' || g, 'lead-' || g, 'marketing_lead', 'sales_ready', :at FROM generate_series(0, 6) g"
)


@pytest.fixture
async def sessions(fresh_database):
    engine = make_engine(await fresh_database("reporting"))
    yield make_sessionmaker(engine)
    await engine.dispose()


async def scalar(sessions, sql: str):
    async with sessions() as session:
        return (await session.execute(text(sql))).scalar()


async def attribution(sessions, start: datetime) -> dict:
    async with sessions() as session:
        return await reports.attribution_from(SqlReports(session), Period(start, NOW), "sales_ready")


async def test_touches_older_than_the_retention_go_in_batches_and_attribution_before_the_cutoff_says_so(sessions):
    async with sessions.begin() as session:
        await session.execute(_TOUCHES, {"prefix": "old-", "at": CUTOFF - timedelta(days=1), "n": 2345})
        await session.execute(_TOUCHES, {"prefix": "new-", "at": NOW - timedelta(days=2), "n": 40})
        await session.execute(_ITEMS)
        await session.execute(_SALES_READY, {"at": NOW - timedelta(days=1)})
    items = await scalar(sessions, "SELECT count(*) FROM lead_items")
    before = await attribution(sessions, NOW - timedelta(days=1000))
    assert before["touches_complete"] is True and before["touches_pruned_before"] is None

    [purge] = retention_purges(sessions, 730)
    batches = []

    async def counted(cutoff, n):
        batches.append(await purge.delete(cutoff, n))
        return batches[-1]

    assert await purge_once(Purge(purge.what, purge.retention, counted, 1000, purge.mark), NOW) == 2345
    assert batches == [1000, 1000, 345]
    assert await scalar(sessions, "SELECT count(*) FROM touches WHERE event_id LIKE 'old-%'") == 0
    assert await scalar(sessions, "SELECT count(*) FROM touches WHERE event_id LIKE 'new-%'") == 40
    assert await scalar(sessions, "SELECT count(*) FROM lead_items") == items  # the by-content slices keep theirs
    assert await scalar(sessions, "SELECT count(*) FROM stage_events") == 7

    spanning = await attribution(sessions, NOW - timedelta(days=1000))
    assert spanning["touches_complete"] is False and spanning["touches_pruned_before"] == CUTOFF.isoformat()
    assert (await attribution(sessions, NOW - timedelta(days=30)))["touches_complete"] is True
