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
    """Lookups are shared: the requests that ask while one query runs are answered together by the
    next, so under load ingest holds one connection for this, not one per request (a pool of ten
    was exhausted at 100 requests/s, and each overflow connection was opened and thrown away)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], budget: float = LOOKUP_BUDGET_SECONDS) -> None:
        self.sessions = sessions
        self._budget = budget
        self._waiting: list[tuple[set[str], asyncio.Future]] = []
        self._runner: asyncio.Task | None = None

    async def record(self, erasure_id: str, lead_id: str, requested_at: datetime) -> None:
        async with self.sessions.begin() as session:
            await record_erasure(session, privacy_erasures, erasure_id, lead_id, requested_at, requested_at)

    async def erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        """Empty when the database does not answer within the budget: touchpoints are then published
        as they came (the consumers still skip what predates an erasure), rather than refused.

        A late lookup is left to finish rather than cancelled: cancelling a connection checkout
        half-way can leave the pool short of a connection for good."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append((set(lead_ids), answer))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._answer_waiting())
        done, _ = await asyncio.wait({answer}, timeout=self._budget)
        if answer in done:
            return answer.result()
        log.warning("erasure records too slow; publishing touchpoints as they came", extra={"budget_s": self._budget})
        return {}

    async def _answer_waiting(self) -> None:
        """One query for everyone waiting, again while more are waiting."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            found = await self._erased_at(sorted(set().union(*(ids for ids, _ in batch))))
            for ids, answer in batch:
                if not answer.done():
                    answer.set_result({lead_id: at for lead_id, at in found.items() if lead_id in ids})

    async def _erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        e = privacy_erasures.c
        query = select(e.lead_id, func.max(e.requested_at)).where(any_of(e.lead_id, lead_ids)).group_by(e.lead_id)
        try:
            async with self.sessions() as session:
                return dict((await session.execute(query)).tuples().all())
        except Exception:
            log.warning("erasure records unavailable; publishing touchpoints as they came", exc_info=True)
            return {}
