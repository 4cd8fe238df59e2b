"""Transactional outbox: events are written in the same transaction as the state that caused
them, and a relay publishes them to Kafka afterwards (at-least-once; consumers de-duplicate).

Every process of a service runs a relay on the same table. They take turns, one round at a
time, under a transaction-scoped advisory lock: two relays publishing at once would each send
their rows in order, but a lead's later event could overtake its earlier one on the topic."""

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from lead_events import Envelope, encode
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import metrics
from .settings import KafkaSettings

log = logging.getLogger(__name__)

# Many rows in one statement of fixed text (prepared once), ids given in the order of the lists.
_INSERT = text(
    "INSERT INTO outbox (topic, key, value, headers)"
    " SELECT t, k, v, CAST(h AS jsonb) FROM unnest(CAST(:topics AS text[]), CAST(:keys AS text[]),"
    " CAST(:values AS bytea[]), CAST(:headers AS text[])) WITH ORDINALITY AS row(t, k, v, h, n) ORDER BY n"
)
_TURN = text("SELECT pg_try_advisory_xact_lock(hashtext('lead_runtime.outbox'))")
_WAIT_TURN = text("SELECT pg_advisory_xact_lock(hashtext('lead_runtime.outbox'))")
_CLAIM = text("SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED")
_DELETE = text("DELETE FROM outbox WHERE id = ANY(:ids)")
# Another relay's round is short, and it may have claimed before our rows committed: look again soon.
BUSY_RETRY_SECONDS = 0.05


def event_headers(event: Envelope) -> list[tuple[str, str]]:
    return [("event_type", event.event_type), ("correlation_id", event.correlation_id)]


@dataclass(frozen=True)
class Row:
    topic: str  # the contract name; the relay applies the deployment's prefix
    key: str | None
    value: bytes
    headers: list[tuple[str, str]]

    @classmethod
    def of(cls, topic: str, event: Envelope) -> "Row":
        return cls(topic, event.lead_id, encode(event), event_headers(event))


async def add_rows(session: AsyncSession, rows: Sequence[Row]) -> None:
    """In the caller's transaction; published by the relay in this order."""
    if rows:
        await session.execute(_INSERT, {
            "topics": [r.topic for r in rows], "keys": [_text(r.key) for r in rows], "values": [r.value for r in rows],
            "headers": [json.dumps([(_text(k), _text(v)) for k, v in r.headers]) for r in rows],
        })


def _text(value: str | None) -> str | None:
    """PostgreSQL text and jsonb refuse NUL; a header copied from a stranger's message may have one."""
    return value.replace("\x00", "") if value else value


async def add_event(session: AsyncSession, topic: str, event: Envelope) -> None:
    await add_rows(session, [Row.of(topic, event)])


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer,
        kafka: KafkaSettings,
        batch_size: int = 500,
        idle_seconds: float = 0.5,
    ) -> None:
        self._sessions = sessions
        self._producer = producer
        self._kafka = kafka
        self._batch_size = batch_size
        self._idle = idle_seconds
        self._wake = asyncio.Event()
        self.healthy = True

    def wake(self) -> None:
        """Called after a commit that wrote to the outbox, so events leave at once."""
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                sent = await self.relay_once()
                self.healthy = True
            except Exception:
                self.healthy = False
                log.exception("outbox relay failed; retrying in 2 s")
                await asyncio.sleep(2)
                continue
            if sent is None:  # another process's relay has the turn
                await asyncio.sleep(BUSY_RETRY_SECONDS)
            elif sent < self._batch_size:
                try:
                    await asyncio.wait_for(self._wake.wait(), self._idle)
                except TimeoutError:
                    pass
                self._wake.clear()
        await self.relay_once(wait=True)  # drain what the last commits wrote

    async def relay_once(self, wait: bool = False) -> int | None:
        """Publishes up to a batch; None when another relay has the turn (`wait`: await it)."""
        async with self._sessions() as session, session.begin():
            if wait:
                await session.execute(_WAIT_TURN)
            elif not (await session.execute(_TURN)).scalar():
                return None
            rows = (await session.execute(_CLAIM, {"n": self._batch_size})).all()
            if not rows:
                return 0
            futures = [
                await self._producer.send(
                    self._kafka.topic(row.topic),
                    key=row.key.encode() if row.key else None,
                    value=row.value,
                    headers=[(k, v.encode()) for k, v in row.headers],
                )
                for row in rows
            ]
            await asyncio.gather(*futures)  # every broker ack before the rows go
            await session.execute(_DELETE, {"ids": [row.id for row in rows]})
        metrics.OUTBOX_PUBLISHED.inc(len(rows))
        return len(rows)
