"""The delivery worker: pushes queued steps to the email system over HTTP, with retries.

Claim due rows (SKIP LOCKED, leased) and commit the claim, push outside any transaction, then
record the attempt. The Idempotency-Key (step_id) lets the email system drop the duplicates
that at-least-once delivery produces, so a retried delivery never sends two emails.
"""

import asyncio
import logging
from datetime import timedelta

from lead_runtime.logs import fields, log_context
from lead_runtime.workers import poll
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .adapters.deliveries import Delivery, SqlDeliveries
from .adapters.email_client import HttpEmailClient
from .domain.delivery import CANCELLED, after_attempt, may_deliver
from .handlers import NurtureHandlers
from .settings import EmailSettings

log = logging.getLogger(__name__)


class EmailPush:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], client: HttpEmailClient, settings: EmailSettings,
        handlers: NurtureHandlers,
    ) -> None:
        self._sessions, self._client, self._settings, self._handlers = sessions, client, settings, handlers
        self._lease = timedelta(seconds=settings.timeout_seconds * 2 + 30)

    async def run(self, stopping: asyncio.Event) -> None:
        await poll(self.push_due, stopping, self._settings.poll_interval_seconds, self._settings.batch_size,
                   "email push round")

    async def push_due(self) -> int:
        now = self._handlers.clock()
        async with self._sessions() as session, session.begin():
            if await self._handlers.paused(self._handlers.repository(session)):
                return 0
            claimed = await SqlDeliveries(session).claim_due(now, self._settings.batch_size, now + self._lease)
        await asyncio.gather(*(self._push_one(d) for d in claimed))
        return len(claimed)

    async def _push_one(self, delivery: Delivery) -> None:
        with log_context(None, delivery.correlation_id):
            await self._push_and_record(delivery)

    async def _push_and_record(self, delivery: Delivery) -> None:
        stop = may_deliver(delivery.consent, delivery.unsubscribed_at, paused=False, queued_at=delivery.queued_at)
        if stop is not None:
            await self._record(delivery, delivery.attempts, CANCELLED, None, None, stop)
            return
        result = await self._client.push(delivery.step_id, delivery.body)
        attempt = delivery.attempts + 1
        s = self._settings
        after = after_attempt(
            attempt, result.status_code, self._handlers.clock(), max_attempts=s.max_attempts,
            base=s.backoff_base_seconds, cap=s.backoff_max_seconds, retry_after=result.retry_after,
        )
        log.info("email push attempt", extra=fields(step_id=delivery.step_id, lead_id=delivery.lead_id, attempt=attempt,
                                                   status_code=result.status_code, result=after.status))
        await self._record(delivery, attempt, after.status, after.next_attempt_at, result.status_code, result.error)

    async def _record(self, delivery: Delivery, attempts: int, status: str, next_at, code, error) -> None:
        async with self._sessions() as session, session.begin():
            await SqlDeliveries(session).record(
                delivery.step_id, attempts=attempts, status=status, next_attempt_at=next_at,
                status_code=code, error=error, at=self._handlers.clock(),
            )
