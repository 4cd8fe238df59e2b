"""Background worker that pushes pending handoffs to the CRM over HTTP.

Claim due rows (FOR UPDATE SKIP LOCKED) and commit the claim, push outside any transaction,
then record the attempt. The Idempotency-Key (handoff_id) lets the CRM drop the duplicates
that at-least-once delivery produces (a retry after a timeout, a crash between push and record).
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import httpx
from lead_events import HandoffData
from lead_runtime import metrics
from lead_runtime.logs import fields, log_context
from lead_runtime.workers import poll
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .adapters.crm_client import HttpCrmClient, PushResult
from .adapters.repository import SqlHandoffs
from .domain.breaker import Breaker, BreakerPolicy, BreakerState, allowance, is_crm_down, record
from .domain.crm_mapping import MAPPINGS
from .domain.delivery import Backoff, is_retryable, next_step
from .domain.model import Handoff
from .domain.policy import HandoffPolicy
from .handlers import Clock
from .settings import CrmSettings

log = logging.getLogger(__name__)


class CrmPush:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: HttpCrmClient,
        settings: CrmSettings,
        policy: HandoffPolicy,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
        on_close: Callable[[], object] | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings
        self._policy = policy
        self._clock = clock
        self._jitter = jitter
        self._on_close = on_close
        self._backoff = Backoff(settings.backoff_base_seconds, settings.backoff_max_seconds)
        self._map = MAPPINGS[settings.format]
        self._breaker = Breaker()
        self._breaker_policy = BreakerPolicy(
            settings.breaker_failures,
            timedelta(seconds=settings.breaker_cooldown_seconds),
            timedelta(seconds=settings.breaker_max_cooldown_seconds),
        )
        # Long enough for the slowest push; a crash mid-push makes the row due again after it.
        self._lease = timedelta(seconds=settings.timeout_seconds * 2 + 30)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A consumer committed (perhaps a new handoff): push now rather than at the next poll."""
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        try:
            await poll(self.push_due, stopping, self._settings.poll_interval_seconds, self._settings.batch_size,
                       "CRM push round", self._wake)
        finally:
            if self._on_close is not None:
                result = self._on_close()
                if asyncio.iscoroutine(result):
                    await result

    async def push_due(self) -> int:
        """One round: claim, push concurrently, record. Returns how many were pushed."""
        now = self._clock()
        self._breaker, allowed = allowance(self._breaker, now, self._settings.batch_size)
        if allowed == 0:
            return 0  # the CRM is down: claim nothing, spend no retry budget
        async with self._sessions() as session, session.begin():
            claimed = await SqlHandoffs(session).claim_due(now, allowed, now + self._lease)
        if not claimed and self._breaker.state is BreakerState.HALF_OPEN:
            self._breaker = replace(self._breaker, state=BreakerState.OPEN)  # no probe went out; probe next time
        await asyncio.gather(*(self._push_one(h) for h in claimed))
        return len(claimed)

    async def _push_one(self, handoff: Handoff) -> None:
        with log_context(None, handoff.correlation_id or None):
            await self._push_and_record(handoff)

    async def _push_and_record(self, handoff: Handoff) -> None:
        body = self._map(handoff.lead_id, HandoffData.model_validate(handoff.payload))
        started = time.perf_counter()
        result: PushResult = await self._client.push(handoff.handoff_id, body)
        _count(result, time.perf_counter() - started, handoff)
        at = self._clock()
        attempt = handoff.attempts + 1
        self._breaker = record(self._breaker, is_retryable(result.status_code), at, self._breaker_policy)
        step = next_step(
            attempt - handoff.budget_start,
            result.status_code,
            at,
            max_attempts=self._policy.max_attempts,
            backoff=self._backoff,
            jitter=self._jitter(),
            retry_after=result.retry_after,
            crm_down_until=self._breaker.open_until if is_crm_down(self._breaker) else None,
        )
        log.log(
            logging.INFO if step.result != "failed" else logging.ERROR,
            "CRM push attempt",
            extra=fields(handoff_id=handoff.handoff_id, lead_id=handoff.lead_id, attempt=attempt, status_code=result.status_code,
                         error=result.error, result=step.result.value),
        )
        async with self._sessions() as session, session.begin():
            await SqlHandoffs(session).record_attempt(
                handoff.handoff_id,
                attempt=attempt,
                at=at,
                status_code=result.status_code,
                error=result.error,
                result=step.result.value,
                status=step.status,
                next_attempt_at=step.next_attempt_at,
            )


def _count(result: PushResult, seconds: float, handoff: Handoff) -> None:
    code = result.status_code
    outcome = ("timeout" if code is None else "delivered" if 200 <= code < 300
               else "failed" if is_retryable(code) else "rejected")
    metrics.record_crm_delivery(outcome, seconds)
    if outcome == "delivered":
        metrics.record_handoff_latency(handoff.handed_at)  # from the handoff's record to the CRM's acceptance


def make_http_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(follow_redirects=False)
