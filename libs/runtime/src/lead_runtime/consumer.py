"""The consume-process-commit loop, written once.

Per batch: one database transaction, run by `lead_runtime.group` (every statement serves the
whole batch, so a larger batch under load costs fewer round trips per message): de-duplication
by `event_id` in `processed_events`, what a handler publishes goes to the outbox in the same
transaction, a message that cannot be decoded or whose handler fails goes to `<topic>.dlq`
(through the outbox, so it is as durable as the rest). Offsets are committed only after the
database commit (once a second while busy). Infrastructure failures (database or broker down)
re-run the batch later.
"""

import asyncio
import contextlib
import heapq
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import metrics
from .group import DEFAULT_BUDGET_SECONDS, TRANSIENT, Handler, Outcome, run_group
from .logs import fields
from .settings import FetchSettings, KafkaSettings

log = logging.getLogger(__name__)

# Outside a handler every database or broker failure is infrastructure (the batch is re-run).
_BATCH_RETRY = TRANSIENT + (sa_exc.DBAPIError, KafkaError)
COMMIT_EVERY_SECONDS = 1.0


@dataclass
class Subscription:
    """Which topics a service consumes and which handler applies to which event type."""

    group_id: str
    handlers: dict[str, Handler]
    topics: list[str] = field(default_factory=list)


class ConsumerLoop:
    def __init__(
        self,
        subscription: Subscription,
        sessions: async_sessionmaker[AsyncSession],
        kafka: KafkaSettings,
        on_commit: Callable[[list[Outcome]], None] = lambda outcomes: None,
        batch_size: int = 1000,
        fetch: FetchSettings = FetchSettings(),
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    ) -> None:
        self._sub = subscription
        self._sessions = sessions
        self._kafka = kafka
        self._on_commit = on_commit
        self._batch_size = batch_size
        self._fetch = fetch
        self._budget_seconds = budget_seconds
        self._unprefix = {kafka.topic(t): t for t in subscription.topics}
        self.last_progress = time.monotonic()
        # busy, waiting or retrying, but not stuck: what /healthz asks (consuming or not)
        self.alive_at = time.monotonic()
        self.consumer: AIOKafkaConsumer | None = None
        self.restarts = 0
        self._pending: dict[TopicPartition, int] = {}  # processed, committed in the DB, not yet in Kafka
        self._committed_at = time.monotonic()

    @property
    def group_id(self) -> str:
        return self._sub.group_id

    async def run(self, stopping: asyncio.Event) -> None:
        """Consumes until `stopping`; a broker failure restarts the consumer instead of ending the task."""
        delay = 0.5
        while not stopping.is_set():
            began = self.alive_at = time.monotonic()
            try:
                await self._consume(stopping)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if time.monotonic() - began > 60:
                    delay = 0.5  # it ran fine for a while: a new failure starts the back-off anew
                self.restarts += 1
                log.warning("consumer failed; restarting it", extra=fields(error=repr(exc), retry_in=delay))
                try:
                    await asyncio.wait_for(stopping.wait(), delay)
                except TimeoutError:
                    pass
                delay = min(delay * 2, 10)

    async def _consume(self, stopping: asyncio.Event) -> None:
        self._pending.clear()  # a new member re-reads from the committed offsets and de-duplicates
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self._kafka.bootstrap_servers,
            group_id=self._kafka.topic_prefix + self._sub.group_id,
            group_instance_id=self._kafka.instance_id,
            session_timeout_ms=self._kafka.session_timeout_ms,
            # aiokafka's default round robin: its sticky assignor can leave a group rebalancing for
            # good (aio-libs/aiokafka#1176; seen here in the two-instance drill)
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self._batch_size,
            # a fetch waits a moment for more: under a steady stream a batch then holds several
            # messages for the same fixed count of statements, at a small cost in latency
            fetch_min_bytes=self._fetch.min_bytes,
            fetch_max_wait_ms=self._fetch.max_wait_ms,
        )
        self.consumer.subscribe(list(self._unprefix), listener=_Rebalances(self))
        await self.consumer.start()
        try:
            while not stopping.is_set():
                batch = await self.consumer.getmany(timeout_ms=500, max_records=self._batch_size)
                self.last_progress = self.alive_at = time.monotonic()
                if batch:
                    await self._process_with_retry(batch, stopping)
                # Offsets go to Kafka once a second while busy, at once when idle: a broker round
                # trip per batch cost more than the batch under a steady stream, and what a crash
                # leaves uncommitted is read again and skipped by event_id.
                due = time.monotonic() - self._committed_at >= COMMIT_EVERY_SECONDS
                if self._pending and (due or not batch):
                    await self._commit_pending()
        finally:
            with contextlib.suppress(Exception):
                if self._pending:
                    await self._commit_pending()  # a graceful stop hands over all it has done
                await self.consumer.stop()

    async def _commit_pending(self) -> None:
        owned = self.consumer.assignment()
        offsets = {tp: offset for tp, offset in self._pending.items() if tp in owned}
        try:
            if offsets:
                await self.consumer.commit(offsets)
            self._pending.clear()
            self._committed_at = time.monotonic()
        except CommitFailedError:
            # Rebalanced away: the new owner re-reads and de-duplicates by event_id.
            log.warning("offset commit failed after a rebalance; duplicates will be skipped")
            self._pending.clear()
        except KafkaError as exc:
            # The database already has the batch; keep the offsets and commit them on the next turn.
            log.warning("offset commit failed; will retry", extra=fields(error=repr(exc)))

    async def _process_with_retry(
        self, batch: dict[TopicPartition, list[ConsumerRecord]], stopping: asyncio.Event
    ) -> None:
        delay = 0.5
        while True:
            self.alive_at = time.monotonic()
            try:
                await self._process_batch(batch)
                return
            except _BATCH_RETRY as exc:
                log.warning("batch failed, will retry", extra=fields(error=repr(exc), retry_in=delay))
            if stopping.is_set():
                return  # uncommitted: the next owner of these partitions re-reads them
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)

    async def _process_batch(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """The batch in one transaction. heapq.merge keeps each partition's own order (one lead's
        events stay in order: the same key lands on the same partition number in every topic) and
        interleaves partitions and topics by timestamp."""
        started = time.perf_counter()
        merged = list(heapq.merge(*batch.values(), key=lambda r: r.timestamp))
        outcomes = await run_group(self._sessions, merged, self._sub.group_id, self._sub.handlers, self._unprefix,
                                   self._budget_seconds)
        _report(self._sub.group_id, outcomes)
        self._on_commit(outcomes)
        self._pending.update({tp: records[-1].offset + 1 for tp, records in batch.items()})
        metrics.PROCESSING_SECONDS.labels(self._sub.group_id).observe(time.perf_counter() - started)


class _Rebalances(ConsumerRebalanceListener):
    """Counts rebalances after a member's first assignment and measures the pause each causes
    (from giving its partitions up to getting the new ones: the member consumes nothing between),
    and hands back what it has done: offsets already committed in the database are committed to
    Kafka before the partitions go, so their next owner does not re-read (and de-duplicate) them."""

    def __init__(self, loop: ConsumerLoop) -> None:
        self._loop = loop
        self._assignments = 0
        self._revoked_at: float | None = None

    async def on_partitions_revoked(self, revoked) -> None:
        self._revoked_at = time.monotonic()
        if self._loop._pending and revoked:
            with contextlib.suppress(Exception):
                await self._loop._commit_pending()

    async def on_partitions_assigned(self, assigned) -> None:
        self._assignments += 1
        owned = sorted(f"{tp.topic}:{tp.partition}" for tp in assigned)
        if self._assignments == 1:
            log.info("partitions assigned", extra=fields(group=self._loop.group_id, partitions=owned))
        else:
            pause = time.monotonic() - (self._revoked_at or time.monotonic())
            metrics.CONSUMER_REBALANCES.labels(self._loop.group_id).inc()
            metrics.REBALANCE_PAUSE_SECONDS.labels(self._loop.group_id).observe(pause)
            log.info("partitions reassigned", extra=fields(
                group=self._loop.group_id, partitions=owned, pause_ms=round(pause * 1000, 1)))


def _report(group_id: str, outcomes: list[Outcome]) -> None:
    """After the commit: count the outcomes and write each message's line in the log (a thousand
    a batch, so the counters are added to once per kind and the ids go in as fields, not as a
    logging context entered and left per line)."""
    counted: Counter[tuple[str, str, str]] = Counter()
    timers: dict[tuple[str, str], Any] = {}
    for o in outcomes:
        event_type = o.event.event_type if o.event else "unknown"
        counted[(o.topic, event_type, o.outcome)] += 1
        where = dict(topic=o.topic, partition=o.record.partition, offset=o.record.offset, event_type=event_type)
        if o.event:
            where.update(lead_id=o.event.lead_id, event_id=o.event.event_id, correlation_id=o.event.correlation_id)
        if o.outcome == "applied":
            timer = timers.get((o.topic, event_type)) or timers.setdefault(
                (o.topic, event_type), metrics.EVENT_SECONDS.labels(o.topic, event_type))
            timer.observe(o.seconds)
            # the emitted event ids let a reader follow the chain onwards
            log.info("handled", extra=fields(**where, ms=round(o.seconds * 1000, 1), emitted=o.emitted))
        elif o.outcome == "dead_lettered":
            metrics.DLQ_MESSAGES.labels(o.topic).inc()
            log.error("dead-lettering message", extra=fields(**where, group=group_id, **o.detail))
        elif o.outcome == "erased":
            log.info("skipped: the person asked to be erased after this happened", extra=fields(**where, **o.detail))
        elif o.outcome == "duplicate":
            log.info("duplicate skipped", extra=fields(**where))
    for (topic, event_type, outcome), n in counted.items():
        metrics.EVENTS_PROCESSED.labels(topic, event_type, outcome).inc(n)
