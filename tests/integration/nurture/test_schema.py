"""The hand-written migration creates exactly what adapters/tables.py describes."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from lead_runtime.db import make_engine
from nurture.adapters.tables import metadata

pytestmark = pytest.mark.integration


async def test_migration_matches_the_table_definitions(fresh_database):
    engine = make_engine(await fresh_database("nurture"))
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []
