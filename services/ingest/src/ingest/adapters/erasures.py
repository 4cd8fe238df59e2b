"""SqlErasures: the erasure requests ingest published, without the email. Each call is its own transaction."""

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from lead_runtime.erasures import record_erasure
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from lead_runtime.db import any_of

from .tables import privacy_erasures


log = logging.getLogger(__name__)
# A touchpoint waits for this lookup at most this long; then it goes out as it came.
LOOKUP_BUDGET_SECONDS = 2.0


class SqlErasures:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], budget: float = LOOKUP_BUDGET_SECONDS) -> None:
        self.sessions = sessions
        self._budget = budget
        self._late: set[asyncio.Task] = set()  # lookups past their budget, left to end on their own

    async def record(self, erasure_id: str, lead_id: str, requested_at: datetime) -> None:
        async with self.sessions.begin() as session:
            await record_erasure(session, privacy_erasures, erasure_id, lead_id, requested_at, requested_at)

    async def erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        """Empty when the database does not answer within the budget: touchpoints are then published
        as they came (the consumers still skip what predates an erasure), rather than refused.

        A late lookup is left to finish rather than cancelled: cancelling a connection checkout
        half-way can leave the pool short of a connection for good."""
        lookup = asyncio.ensure_future(self._erased_at(lead_ids))
        done, _ = await asyncio.wait({lookup}, timeout=self._budget)
        if lookup in done:
            return lookup.result()
        log.warning("erasure records too slow; publishing touchpoints as they came", extra={"budget_s": self._budget})
        self._late.add(lookup)
        lookup.add_done_callback(self._late.discard)
        return {}

    async def _erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        e = privacy_erasures.c
        query = select(e.lead_id, func.max(e.requested_at)).where(any_of(e.lead_id, lead_ids)).group_by(e.lead_id)
        try:
            async with self.sessions() as session:
                return dict((await session.execute(query)).tuples().all())
        except Exception:
            log.warning("erasure records unavailable; publishing touchpoints as they came", exc_info=True)
            return {}
