"""SqlDeliveries: webhook ids ingest has published, in PostgreSQL. Each call is its own short transaction."""

from datetime import datetime

from lead_runtime.retention import BATCH, delete_before
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .tables import webhook_deliveries as t


class SqlDeliveries:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def answer_of(self, source: str, delivery_id: str) -> dict | None:
        async with self.sessions() as session:
            query = select(t.c.answer).where(t.c.source == source, t.c.delivery_id == delivery_id)
            return (await session.execute(query)).scalar_one_or_none()

    async def remember(self, source: str, delivery_id: str, answer: dict, now: datetime) -> None:
        async with self.sessions.begin() as session:
            row = {"source": source, "delivery_id": delivery_id, "answer": answer, "received_at": now}
            await session.execute(insert(t).values(row).on_conflict_do_nothing())

    async def forget_before(self, cutoff: datetime, batch: int = BATCH) -> int:
        """Deletes up to `batch` rows older than `cutoff` (small batches keep locks short). Rows
        another purge is deleting are skipped, not waited for: two purges never queue behind (or
        deadlock with) each other on the same rows."""
        return await delete_before(self.sessions, t.name, t.c.received_at.name, cutoff, batch)
