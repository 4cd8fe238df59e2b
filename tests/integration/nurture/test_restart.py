"""The issue's check: the nurture service restarted while 10,000 leads have steps due, each due
step is sent exactly once. Leads are bulk-inserted in the state the due-steps worker expects;
the real worker is killed (task cancelled mid-batch, engine dropped) after its first batches
commit, then a fresh pair of workers (new engine, new handlers) takes over."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from lead_events import decode, topics
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.kafka import make_producer
from lead_runtime.outbox import OutboxRelay
from nurture.agreement import load_catalogue
from nurture.handlers import NurtureHandlers
from nurture.scheduler import make_due_steps_worker

from tests.kafka_tools import eventually

from .config import agreement_dir

pytestmark = pytest.mark.integration
LEADS = 10_000  # the number; fits well within the time box on 2 cores
BATCH = 500  # the service's default due_batch_size


async def test_restart_while_10000_steps_are_due_sends_each_exactly_once(fresh_database, kafka_settings, tmp_path):
    database = await fresh_database("nurture")
    pg_url = database.url.get_secret_value().replace("postgresql+asyncpg://", "postgresql://")
    config = agreement_dir(tmp_path)
    await insert_due_leads(pg_url, LEADS)

    relay_engine = make_engine(database)
    producer = make_producer(kafka_settings)
    await producer.start()
    relay = OutboxRelay(make_sessionmaker(relay_engine), producer, kafka_settings)
    relay_stopping = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(relay_stopping))
    try:
        # First life: killed once some batches are committed.
        engine = make_engine(database)
        first = start_workers(engine, config, relay.wake, count=1)
        await eventually(lambda: count(pg_url, "SELECT count(*) FROM nurture_steps", at_least=BATCH),
                         timeout=120, interval=0.1)
        await first.kill()
        await engine.dispose()
        before = await count(pg_url, "SELECT count(*) FROM nurture_steps")
        assert 0 < before < LEADS, "the worker must be killed midway"

        # Second life: two workers compete for the rest through SKIP LOCKED.
        engine = make_engine(database)
        second = start_workers(engine, config, relay.wake, count=2)
        due = "SELECT count(*) FROM nurture_leads WHERE next_due_at <= now()"
        await eventually(lambda: zero(pg_url, due), timeout=180, interval=0.5)
        await second.stop()
        await engine.dispose()
        await eventually(lambda: zero(pg_url, "SELECT count(*) FROM outbox"), timeout=120, interval=0.5)
    finally:
        relay_stopping.set()
        await relay_task
        await producer.stop()
        await relay_engine.dispose()

    conn = await asyncpg.connect(pg_url)
    try:
        recorded = {r["step_id"]: r["lead_id"] for r in await conn.fetch("SELECT step_id, lead_id FROM nurture_steps")}
    finally:
        await conn.close()
    assert len(recorded) == LEADS
    assert len(set(recorded.values())) == LEADS  # one step per lead

    step_ids = [e.data.step_id for e in await read_steps(kafka_settings, LEADS)]
    assert len(step_ids) == LEADS
    assert len(set(step_ids)) == LEADS, "a step_id was published twice"
    assert set(step_ids) == set(recorded)


class Workers:
    def __init__(self, tasks: list[asyncio.Task], stopping: asyncio.Event) -> None:
        self.tasks, self.stopping = tasks, stopping

    async def kill(self) -> None:
        """No graceful stop: the batch in flight is cut off and its transaction never commits."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.gather(*self.tasks)


def start_workers(engine, config, wake, count: int) -> Workers:
    handlers = NurtureHandlers(load_catalogue(config))  # fresh state, as a new process would have
    stopping = asyncio.Event()
    sessions = make_sessionmaker(engine)
    tasks = [
        asyncio.create_task(make_due_steps_worker(sessions, handlers, wake, 0.2, BATCH)(stopping))
        for _ in range(count)
    ]
    return Workers(tasks, stopping)


async def insert_due_leads(pg_url: str, n: int) -> None:
    """Marketing leads with confirmed consent whose first step fell due a minute ago."""
    now = datetime.now(UTC)
    run = uuid.uuid4().hex[:8]
    rows = [
        (f"restart-{run}-{i:05d}", f"lead.{i}.{run}@example-industrie.de", "purchasing", "marketing_lead", True,
         now - timedelta(days=30), False, now - timedelta(minutes=1), now, ["email"])
        for i in range(n)
    ]
    conn = await asyncpg.connect(pg_url)
    try:
        await conn.copy_records_to_table("nurture_leads", records=rows, columns=[
            "lead_id", "email", "persona", "stage", "consent", "consent_at", "handed_off", "next_due_at",
            "updated_at", "known",
        ])
    finally:
        await conn.close()


async def count(pg_url: str, query: str, at_least: int = 0) -> int | None:
    conn = await asyncpg.connect(pg_url)
    try:
        found = await conn.fetchval(query)
    finally:
        await conn.close()
    return found if found >= at_least else None


async def zero(pg_url: str, query: str) -> bool:
    return await count(pg_url, query) == 0


async def read_steps(kafka, expected: int, timeout: float = 120.0, idle: float = 5.0) -> list:
    """Every event on the prefixed nurture.steps topic: until `expected` arrived and nothing more
    came for `idle` seconds (so a duplicate after the last one would still be seen)."""
    consumer = AIOKafkaConsumer(kafka.topic(topics.NURTURE_STEPS), bootstrap_servers=kafka.bootstrap_servers,
                                auto_offset_reset="earliest", enable_auto_commit=False, group_id=None)
    await consumer.start()
    found: list = []
    try:
        deadline, last_new = time.monotonic() + timeout, time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            records = [r for rs in batch.values() for r in rs]
            found.extend(decode(r.value) for r in records)
            if records:
                last_new = time.monotonic()
            elif len(found) >= expected and time.monotonic() - last_new > idle:
                break
    finally:
        await consumer.stop()
    return found
