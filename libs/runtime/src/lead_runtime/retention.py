"""Forgetting rows older than a retention, written once for every service.

A purge deletes a batch at a time (`BATCH` rows, each batch its own short transaction, so locks
last milliseconds while the consumers keep writing), skips rows another purge is deleting
instead of waiting for them (two worker processes never queue behind each other), logs what
went with structured fields, and is tried again next round when it fails: it never takes the
service down. It finds the old rows through a BRIN index on the time column (`brin_index`):
rows arrive roughly in time order, so the index is a few pages, costs next to nothing on insert,
and a round that finds nothing to delete reads only the block ranges that could hold old rows.

A purge whose readers must know what was forgotten (scoring's replay, reporting's attribution)
records its cutoff in `retention_cutoffs` before the first row goes: a reader that sees rows
missing also sees a cutoff at least as late (read the cutoff after the rows)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .workers import poll

log = logging.getLogger(__name__)

BATCH = 5000  # rows per statement: a few milliseconds of locks and WAL, however much is old
CUTOFFS = "retention_cutoffs"
_EARLIEST = datetime.min.replace(tzinfo=UTC)

DeleteBatch = Callable[[datetime, int], Awaitable[int]]  # (cutoff, at most n) -> rows deleted


@dataclass(frozen=True)
class Purge:
    what: str  # named in the log line: the table, or what its rows are
    retention: timedelta
    delete: DeleteBatch
    batch: int = BATCH
    # called with the cutoff before the first row goes (records it for readers); None: nobody asks
    mark: Callable[[datetime], Awaitable[None]] | None = None


def cutoff_of(now: datetime, retention: timedelta) -> datetime:
    """The moment before which rows go: `retention` before `now`, or the earliest time there is
    when the retention reaches back further (nothing is then old enough)."""
    try:
        return now - retention
    except OverflowError:
        return _EARLIEST


async def purge_once(purge: Purge, now: datetime, stopping: asyncio.Event | None = None) -> int:
    """Deletes every row older than the cutoff, a batch at a time; stops between batches when
    `stopping` is set (a shutdown does not wait for a first purge of millions of rows)."""
    cutoff, total, batches = cutoff_of(now, purge.retention), 0, 0
    if purge.mark is not None:
        await purge.mark(cutoff)
    while stopping is None or not stopping.is_set():
        deleted = await purge.delete(cutoff, purge.batch)
        total, batches = total + deleted, batches + (deleted > 0)
        if deleted < purge.batch:
            break
    if total:
        log.info("purged old rows", extra={"fields": {
            "what": purge.what, "deleted": total, "batches": batches, "before": cutoff.isoformat()}})
    return total


def purge_worker(name: str, purges: list[Purge], interval_seconds: float,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
    """Runs every purge each `interval_seconds`; one that fails is logged and the others still run."""
    async def run(stopping: asyncio.Event) -> None:
        async def round_() -> int:
            for purge in purges:
                if stopping.is_set():
                    break
                try:
                    await purge_once(purge, clock(), stopping)
                except Exception:
                    log.exception("purging old %s failed; retrying next round", purge.what)
            return 0

        await poll(round_, stopping, interval_seconds, 1, name)

    run.__name__ = name
    return run


async def delete_before(sessions: async_sessionmaker[AsyncSession], table: str, column: str, cutoff: datetime,
                        batch: int = BATCH) -> int:
    """One short transaction: up to `batch` rows of `table` whose `column` lies before `cutoff`,
    found through the column's index, locked `SKIP LOCKED`, deleted by their physical address
    (a TID scan, whatever the primary key). `table` and `column` are ours, never user input."""
    statement = text(
        f"DELETE FROM {table} WHERE ctid = ANY(ARRAY("
        f"SELECT ctid FROM {table} WHERE {column} < :cutoff LIMIT :n FOR UPDATE SKIP LOCKED))"
    )
    async with sessions.begin() as session:
        result = await session.execute(statement, {"cutoff": cutoff, "n": batch})
        return result.rowcount or 0


def table_purge(sessions: async_sessionmaker[AsyncSession], table: str, column: str, retention: timedelta,
                marked: bool = False, batch: int = BATCH) -> Purge:
    """Rows of `table` whose `column` is older than `retention`; `marked`: the cutoff is recorded
    in `retention_cutoffs` under the table's name first (the service has that table)."""
    mark = partial(record_cutoff, sessions, table) if marked else None
    return Purge(table, retention, partial(delete_before, sessions, table, column), batch, mark)


def processed_events_purge(sessions: async_sessionmaker[AsyncSession], retention_days: float) -> Purge:
    """The consumers' de-duplication record (lead_runtime.db): one row per consumed event."""
    return table_purge(sessions, "processed_events", "processed_at", timedelta(days=retention_days))


# --- the cutoffs purged up to -------------------------------------------------------------------

def add_retention_cutoffs_table(metadata: MetaData) -> Table:
    return Table(
        CUTOFFS,
        metadata,
        Column("table_name", String, primary_key=True),
        Column("pruned_before", DateTime(timezone=True), nullable=False),  # rows before it may be gone
    )


def create_retention_cutoffs_table() -> None:
    """For a service's migration that adds the record."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        CUTOFFS,
        sa.Column("table_name", sa.String, primary_key=True),
        sa.Column("pruned_before", sa.DateTime(timezone=True), nullable=False),
    )


async def record_cutoff(sessions: async_sessionmaker[AsyncSession], table: str, cutoff: datetime) -> None:
    """Only ever moves forward: a retention made longer later does not bring the rows back."""
    async with sessions.begin() as session:
        await session.execute(text(
            f"INSERT INTO {CUTOFFS} (table_name, pruned_before) VALUES (:table, :cutoff)"
            f" ON CONFLICT (table_name) DO UPDATE SET pruned_before = GREATEST({CUTOFFS}.pruned_before,"
            " excluded.pruned_before)"
        ), {"table": table, "cutoff": cutoff})


async def pruned_before(session: AsyncSession, table: str) -> datetime | None:
    """The cutoff `table` was purged up to; None when nothing was ever purged."""
    query = text(f"SELECT pruned_before FROM {CUTOFFS} WHERE table_name = :table")
    return (await session.execute(query, {"table": table})).scalar_one_or_none()


# --- the index that finds old rows --------------------------------------------------------------

def _brin_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_brin"


# autosummarize: a block range is summarised as soon as the next one fills, so the newest rows
# need not wait for a VACUUM before a purge can skip them
_BRIN = {"postgresql_using": "brin", "postgresql_with": {"autosummarize": "on"}}


def brin_index(table: str, column: str) -> Index:
    """For a table definition (adapters/tables.py)."""
    return Index(_brin_name(table, column), column, **_BRIN)


def create_brin_index(table: str, column: str) -> None:
    """For a migration: one pass over the table, seconds per million rows."""
    from alembic import op

    op.create_index(_brin_name(table, column), table, [column], **_BRIN)


def drop_brin_index(table: str, column: str) -> None:
    from alembic import op

    op.drop_index(_brin_name(table, column), table)


def index_processed_events(create: bool = True) -> None:
    """For each consuming service's migration: the index the purge of old processed event ids reads
    (`processed_events_purge`, every `purge_interval_seconds`). Ids are written in time order, so
    the BRIN index is a few pages and costs next to nothing per consumed event."""
    (create_brin_index if create else drop_brin_index)("processed_events", "processed_at")
