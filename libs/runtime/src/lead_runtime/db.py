"""Engine, sessions and the tables every consuming service shares (outbox, processed events)."""

from collections.abc import Iterable

from sqlalchemy import BigInteger, Column, DateTime, Identity, LargeBinary, MetaData, String, Table, any_, cast, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from . import fastjson
from .retention import brin_index
from .settings import DatabaseSettings


def make_engine(settings: DatabaseSettings) -> AsyncEngine:
    return create_async_engine(
        settings.url.get_secret_value(), pool_size=settings.pool_size, pool_pre_ping=True,
        pool_timeout=settings.pool_timeout_seconds, connect_args={"timeout": settings.connect_timeout_seconds},
        json_serializer=fastjson.dumps, json_deserializer=fastjson.loads,
    )


def any_of(column, values: Iterable):
    """`column = ANY(:values)`: one statement text whatever the number of values, so asyncpg and
    PostgreSQL prepare it once (`IN (...)` is a new statement, prepared anew, for every length)."""
    return column == any_(cast(list(values), ARRAY(column.type)))


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def add_runtime_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Call once from a service's tables module so its migrations create these too."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("topic", String, nullable=False),
        Column("key", String, nullable=True),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default="[]"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("event_id", String, primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # what the purge of old ids reads (lead_runtime.retention; each service's migration adds it)
        brin_index("processed_events", "processed_at"),
    )
    return outbox, processed
