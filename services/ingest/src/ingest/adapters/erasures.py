"""SqlErasures: the erasure requests ingest published, without the email. Each call is its own transaction."""

from datetime import datetime

from lead_runtime.erasures import record_erasure
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .tables import privacy_erasures


class SqlErasures:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def record(self, erasure_id: str, lead_id: str, requested_at: datetime) -> None:
        async with self.sessions.begin() as session:
            await record_erasure(session, privacy_erasures, erasure_id, lead_id, requested_at, requested_at)
