"""SqlErasures: the erasure requests ingest published, without the email. Each call is its own transaction."""

import logging
from collections.abc import Sequence
from datetime import datetime

from lead_runtime.erasures import record_erasure
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .tables import privacy_erasures


log = logging.getLogger(__name__)


class SqlErasures:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def record(self, erasure_id: str, lead_id: str, requested_at: datetime) -> None:
        async with self.sessions.begin() as session:
            await record_erasure(session, privacy_erasures, erasure_id, lead_id, requested_at, requested_at)

    async def erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        """Empty when the database does not answer: touchpoints are then published as they came
        (the consumers still skip what predates an erasure), rather than refused."""
        e = privacy_erasures.c
        query = select(e.lead_id, func.max(e.requested_at)).where(e.lead_id.in_(lead_ids)).group_by(e.lead_id)
        try:
            async with self.sessions() as session:
                return dict((await session.execute(query)).tuples().all())
        except Exception:
            log.warning("erasure records unavailable; publishing touchpoints as they came", exc_info=True)
            return {}
