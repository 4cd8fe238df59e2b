import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from lead_runtime.db import make_engine

from handoff.adapters.tables import metadata

pytestmark = pytest.mark.integration


async def test_the_hand_written_migration_matches_the_tables(database):
    engine = make_engine(database)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    finally:
        await engine.dispose()
    assert diff == []
