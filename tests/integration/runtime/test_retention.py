"""The purge of old processed event ids on each consuming service's real database: ids older than
the cutoff go, a batch per statement, newer ones stay; the migrations give every service the BRIN
index it reads through and the tables its definitions describe."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.retention import Purge, delete_before, processed_events_purge, pruned_before, purge_once, record_cutoff
from sqlalchemy import text

pytestmark = pytest.mark.integration
CONSUMERS = ["scoring", "nurture", "handoff", "reporting"]
NOW = datetime.now(UTC)

_ROWS = text(
    "INSERT INTO processed_events (event_id, processed_at)"
    " SELECT :prefix || g, CAST(:at AS timestamptz) - g * interval '1 second' FROM generate_series(1, :n) g"
)


@pytest.fixture(params=CONSUMERS)
async def sessions(request, fresh_database):
    engine = make_engine(await fresh_database(request.param))
    yield make_sessionmaker(engine)
    await engine.dispose()


async def ids(sessions) -> set[str]:
    async with sessions() as session:
        return set((await session.execute(text("SELECT event_id FROM processed_events"))).scalars())


async def test_ids_older_than_the_dedup_retention_go_a_batch_at_a_time_and_newer_stay(sessions):
    async with sessions.begin() as session:
        await session.execute(_ROWS, {"prefix": "old-", "at": NOW - timedelta(days=31), "n": 2 * 1000 + 17})
        await session.execute(_ROWS, {"prefix": "new-", "at": NOW - timedelta(days=29), "n": 50})
    batches = []

    async def counted(cutoff: datetime, n: int) -> int:
        batches.append(await delete_before(sessions, "processed_events", "processed_at", cutoff, n))
        return batches[-1]

    purge = processed_events_purge(sessions, 30)
    assert await purge_once(Purge(purge.what, purge.retention, counted, batch=1000), NOW) == 2017
    assert batches == [1000, 1000, 17]
    left = await ids(sessions)
    assert len(left) == 50 and all(i.startswith("new-") for i in left)
    assert await purge_once(purge, NOW) == 0


async def test_the_purge_reads_through_a_brin_index_on_processed_at(sessions):
    async with sessions() as session:
        found = (await session.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'processed_events' AND indexdef LIKE '%brin%'"
        ))).scalars().all()
    assert found == ["CREATE INDEX ix_processed_events_processed_at_brin ON public.processed_events"
                     " USING brin (processed_at) WITH (autosummarize='on')"]


async def test_a_recorded_cutoff_only_moves_forward(fresh_database):
    engine = make_engine(await fresh_database("scoring"))
    sessions = make_sessionmaker(engine)
    try:
        await record_cutoff(sessions, "touchpoints", NOW - timedelta(days=10))
        await record_cutoff(sessions, "touchpoints", NOW - timedelta(days=20))  # the retention was made longer
        async with sessions() as session:
            assert await pruned_before(session, "touchpoints") == NOW - timedelta(days=10)
            assert await pruned_before(session, "score_changes") is None
    finally:
        await engine.dispose()


@pytest.mark.parametrize("name", ["ingest", *CONSUMERS])
async def test_the_migrations_create_what_the_table_definitions_describe(name, fresh_database):
    metadata = importlib.import_module(f"{name}.adapters.tables").metadata
    engine = make_engine(await fresh_database(name))
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    finally:
        await engine.dispose()
    assert diff == []
