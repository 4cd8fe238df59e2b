"""Fixtures for the real broker and database; unit tests use none of them."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from lead_runtime.migrate import upgrade
from lead_runtime.settings import DatabaseSettings, KafkaSettings
from lead_runtime.topics import create_topics, delete_topics

from tests.infra import Infra, acquire


@pytest.fixture(scope="session")
def infra() -> Infra:
    found = acquire()
    yield found
    if callable(found.cleanup):
        found.cleanup()


@pytest.fixture
async def kafka_settings(infra: Infra) -> AsyncIterator[KafkaSettings]:
    """Every test gets its own topic prefix, so tests share the broker without seeing each other;
    the topics go afterwards, so a long-lived broker does not pile up partitions."""
    settings = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_prefix=f"t{uuid.uuid4().hex[:10]}.")
    await create_topics(settings, partitions=3)
    yield settings
    await delete_topics(settings)


@pytest.fixture(scope="session")
async def fresh_database(infra: Infra) -> AsyncIterator[Callable[[str], Awaitable[DatabaseSettings]]]:
    """`await fresh_database("scoring")` -> settings of a new, migrated database for that service."""
    created: list[str] = []

    async def make(package: str) -> DatabaseSettings:
        name = f"t_{package}_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(infra.pg_admin_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        created.append(name)
        base = infra.pg_admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        url = f"{base}/{name}"
        await asyncio.to_thread(upgrade, package, url)
        return DatabaseSettings(url=url, pool_size=5)

    yield make
    admin = await asyncpg.connect(infra.pg_admin_url)
    try:
        for name in created:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
