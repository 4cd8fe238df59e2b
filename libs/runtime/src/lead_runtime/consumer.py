"""The consume-process-commit loop, written once.

Per batch: one database transaction per partition number (concurrently); each message in a savepoint; de-duplication by
`event_id` in `processed_events`; what a handler publishes goes to the outbox in the same
transaction; a message that cannot be decoded or whose handler fails goes to `<topic>.dlq`
(through the outbox, so it is as durable as the rest). Offsets are committed only after the
database commit. Infrastructure failures (database or broker down) re-run the batch later.
"""

import asyncio
import contextlib
import heapq
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from lead_events import Envelope, UndecodableEvent, UnknownEventType, decode, topics
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import erasures, metrics, outbox
from .logs import fields, log_context
from .settings import KafkaSettings

log = logging.getLogger(__name__)

Publish = tuple[str, Envelope]
Handler = Callable[[AsyncSession, Envelope], Awaitable[Sequence[Publish]]]

# One round trip per message: mark it processed (or find it was) and read when the person it is
# about asked to be erased, if they did. Every consuming service has the erasures table.
_MARK = text(
    "WITH mark AS (INSERT INTO processed_events (event_id) VALUES (:id) ON CONFLICT DO NOTHING RETURNING 1)"
    f" SELECT EXISTS (SELECT 1 FROM mark) AS new, (SELECT max(requested_at) FROM {erasures.TABLE}"
    " WHERE lead_id = :lead) AS erased_at"
)
_PING = text("SELECT 1")


class InfrastructureError(Exception):
    """A handler failed and the database no longer answers: the message is not to blame."""


# Failures that say nothing about the message: retry the batch instead of dead-lettering.
TRANSIENT = (
    sa_exc.OperationalError, sa_exc.InterfaceError, OSError, ConnectionError, TimeoutError, InfrastructureError
)
# Outside a handler every database or broker failure is infrastructure (the batch is re-run).
_BATCH_RETRY = TRANSIENT + (sa_exc.DBAPIError, KafkaError)


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
        on_commit: Callable[[], None] = lambda: None,
        batch_size: int = 200,
    ) -> None:
        self._sub = subscription
        self._sessions = sessions
        self._kafka = kafka
        self._on_commit = on_commit
        self._batch_size = batch_size
        self._unprefix = {kafka.topic(t): t for t in subscription.topics}
        self.last_progress = time.monotonic()
        self.consumer: AIOKafkaConsumer | None = None
        self.restarts = 0
        self._pending: dict[TopicPartition, int] = {}  # processed, committed in the DB, not yet in Kafka

    @property
    def group_id(self) -> str:
        return self._sub.group_id

    async def run(self, stopping: asyncio.Event) -> None:
        """Consumes until `stopping`; a broker failure restarts the consumer instead of ending the task."""
        delay = 0.5
        while not stopping.is_set():
            began = time.monotonic()
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
            *self._unprefix,
            bootstrap_servers=self._kafka.bootstrap_servers,
            group_id=self._kafka.topic_prefix + self._sub.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self._batch_size,
        )
        await self.consumer.start()
        try:
            while not stopping.is_set():
                batch = await self.consumer.getmany(timeout_ms=500, max_records=self._batch_size)
                self.last_progress = time.monotonic()
                if batch:
                    await self._process_with_retry(batch, stopping)
                if self._pending:
                    await self._commit_pending()
        finally:
            with contextlib.suppress(Exception):
                await self.consumer.stop()

    async def _commit_pending(self) -> None:
        owned = self.consumer.assignment()
        offsets = {tp: offset for tp, offset in self._pending.items() if tp in owned}
        try:
            if offsets:
                await self.consumer.commit(offsets)
            self._pending.clear()
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
        """Records are grouped by partition number across topics: the same key lands on the same
        number in every topic (same partitioner, same partition count), so one lead's events stay
        in one group, in order, while groups run concurrently, each in one transaction."""
        started = time.perf_counter()
        groups: dict[int, list[list[ConsumerRecord]]] = defaultdict(list)
        for tp, records in batch.items():
            groups[tp.partition].append(records)
        results = await asyncio.gather(*(self._process_group(g) for g in groups.values()), return_exceptions=True)
        if failed := next((r for r in results if isinstance(r, BaseException)), None):
            raise failed  # the whole batch again; what did commit is skipped as a duplicate
        self._on_commit()
        self._pending.update({tp: records[-1].offset + 1 for tp, records in batch.items()})
        await self._commit_pending()
        metrics.PROCESSING_SECONDS.labels(self._sub.group_id).observe(time.perf_counter() - started)

    async def _process_group(self, per_topic: list[list[ConsumerRecord]]) -> None:
        # heapq.merge keeps each partition's own order and interleaves topics by timestamp
        async with self._sessions() as session, session.begin():
            for record in heapq.merge(*per_topic, key=lambda r: r.timestamp):
                await self._process(session, record)

    async def _process(self, session: AsyncSession, record: ConsumerRecord) -> None:
        topic = self._unprefix[record.topic]
        try:
            event = decode(record.value)
        except UnknownEventType:
            metrics.EVENTS_PROCESSED.labels(topic, "unknown", "skipped").inc()
            return  # a newer producer's event type: not ours to handle, not poison either
        except UndecodableEvent as exc:
            await self._dead_letter(session, topic, record, str(exc))
            return
        handler = self._sub.handlers.get(event.event_type)
        if handler is None:
            metrics.EVENTS_PROCESSED.labels(topic, event.event_type, "skipped").inc()
            return
        with log_context(event.event_id, event.correlation_id):
            where = dict(topic=topic, partition=record.partition, offset=record.offset, event_type=event.event_type,
                         lead_id=event.lead_id)
            new, erased_at = (await session.execute(_MARK, {"id": event.event_id, "lead": event.lead_id})).one()
            if not new:
                metrics.EVENTS_PROCESSED.labels(topic, event.event_type, "duplicate").inc()
                log.info("duplicate skipped", extra=fields(**where))
                return
            if erasures.predates_erasure(event.event_type, event.occurred_at, erased_at):
                metrics.EVENTS_PROCESSED.labels(topic, event.event_type, "erased").inc()
                log.info("skipped: the person asked to be erased after this happened",
                         extra=fields(**where, erased_at=erased_at))
                return
            started = time.perf_counter()
            try:
                async with session.begin_nested():
                    emitted = await handler(session, event)
                    for out_topic, out_event in emitted:
                        await outbox.add_event(session, out_topic, out_event)
            except TRANSIENT:
                raise
            except Exception as exc:
                if not await _database_answers(session):
                    raise InfrastructureError(f"database gone while handling {event.event_id}") from exc
                log.exception("handler failed; dead-lettering", extra=fields(topic=topic))
                await self._dead_letter(session, topic, record, f"{type(exc).__name__}: {exc}")
                return
            seconds = time.perf_counter() - started
            metrics.EVENTS_PROCESSED.labels(topic, event.event_type, "applied").inc()
            metrics.EVENT_SECONDS.labels(topic, event.event_type).observe(seconds)
            # committed with its batch; the emitted event ids let a reader follow the chain onwards
            log.info("handled", extra=fields(**where, ms=round(seconds * 1000, 1), emitted=[
                {"topic": t, "event_type": e.event_type, "event_id": e.event_id} for t, e in emitted]))

    async def _dead_letter(
        self, session: AsyncSession, topic: str, record: ConsumerRecord, error: str
    ) -> None:
        log.error("dead-lettering message", extra=fields(topic=topic, offset=record.offset, error=error))
        headers = [(k, v.decode(errors="replace")) for k, v in (record.headers or ())]
        headers += [
            ("dlq.error", error[:2000]),
            ("dlq.topic", topic),
            ("dlq.partition", str(record.partition)),
            ("dlq.offset", str(record.offset)),
            ("dlq.consumer_group", self._sub.group_id),
        ]
        key = record.key.decode(errors="replace") if record.key else None
        await outbox.add_raw(session, topics.dlq(topic), key, record.value or b"", headers)
        metrics.DLQ_MESSAGES.labels(topic).inc()
        metrics.EVENTS_PROCESSED.labels(topic, "unknown", "dead_lettered").inc()


async def _database_answers(session: AsyncSession) -> bool:
    """Asked after a handler failed: a dead connection must not send a good message to the DLQ."""
    try:
        await asyncio.wait_for(session.execute(_PING), 5)
        return True
    except Exception:
        return False
