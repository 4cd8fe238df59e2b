"""Helpers: runs handoff for real (its ASGI app with lifespan: consumers, outbox relay, CRM push worker)
against the real Kafka and PostgreSQL, with the stub CRM in place of a real one."""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from lead_events import (
    Envelope,
    Evidence,
    LeadSnapshot,
    LeadStageChanged,
    Stage,
    StageChangeData,
    decode,
    encode,
    lead_id_for,
)
from lead_runtime.db import make_engine
from lead_runtime.settings import DatabaseSettings, KafkaSettings
from sqlalchemy import select

from handoff.adapters.tables import crm_feedback
from handoff.bootstrap import make_app
from handoff.settings import CrmSettings, Settings

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"


@dataclass
class Running:
    http: httpx.AsyncClient
    settings: Settings
    kafka: KafkaSettings


@contextlib.asynccontextmanager
async def run_handoff(
    database: DatabaseSettings, kafka: KafkaSettings, crm_url: str | None, **crm: object
) -> AsyncIterator[Running]:
    crm_settings = CrmSettings(
        url=crm_url, timeout_seconds=0.5, poll_interval_seconds=0.05, backoff_base_seconds=0.05,
        backoff_max_seconds=0.5, **crm,
    )
    settings = Settings(database=database, kafka=kafka, crm=crm_settings, config_dir=CONFIG_DIR)
    app = make_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://handoff.test") as client:
            yield Running(client, settings, kafka)


def an_email() -> str:
    return f"anna.{uuid.uuid4().hex[:8]}@example-industrie.de"


def sales_ready(email: str, episode: int = 1, event_id: str | None = None) -> LeadStageChanged:
    return LeadStageChanged.new(
        lead_id=lead_id_for(email),
        event_id=event_id,
        data=StageChangeData(
            from_stage=Stage.MARKETING_LEAD,
            to_stage=Stage.SALES_READY,
            reason="Asked to be contacted by sales",
            evidence=[Evidence(rule="behaviour.contact_requested", points=50, touchpoint_id="tp-1")],
            changed_by="scoring",
            episode=episode,
            agreement_version="test-1",
            snapshot=LeadSnapshot(email=email, first_name="Anna", last_name="Schmidt", fit_grade="A"),
        ),
    )


async def produce(kafka: KafkaSettings, topic: str, *events: Envelope) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(kafka.topic(topic), encode(event), key=event.lead_id.encode())
    finally:
        await producer.stop()


async def read_events(
    kafka: KafkaSettings, topic: str, until: Callable[[list[Envelope]], bool], timeout: float = 20.0
) -> list[Envelope]:
    """Everything on `topic` (from the start) once `until` holds, or whatever came within `timeout`."""
    consumer = AIOKafkaConsumer(
        kafka.topic(topic), bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[Envelope] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not until(found):
            batch = await consumer.getmany(timeout_ms=200)
            found += [decode(r.value) for records in batch.values() for r in records]
    finally:
        await consumer.stop()
    return found


async def wait_consumed(kafka: KafkaSettings, topic: str, group: str = "handoff", timeout: float = 20.0) -> None:
    """Until the service's consumer group has committed everything now on `topic`."""
    name = kafka.topic(topic)
    probe = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await probe.start()
    await admin.start()
    try:
        partitions = [TopicPartition(name, p) for p in probe.partitions_for_topic(name) or ()]
        if not partitions:
            await probe.topics()
            partitions = [TopicPartition(name, p) for p in probe.partitions_for_topic(name) or ()]
        ends = await probe.end_offsets(partitions)
        deadline = time.monotonic() + timeout
        while True:
            committed = await admin.list_consumer_group_offsets(kafka.topic_prefix + group, partitions=partitions)
            if all(ends[tp] == 0 or (tp in committed and committed[tp].offset >= ends[tp]) for tp in partitions):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"group {group} did not consume {name} within {timeout} s")
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
        await probe.stop()


async def eventually(check: Callable[[], object], timeout: float = 20.0, interval: float = 0.1):
    """Polls an async `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s; last: {result!r}")
        await asyncio.sleep(interval)


async def feedback_rows(database: DatabaseSettings, lead_id: str) -> list:
    engine = make_engine(database)
    try:
        async with engine.connect() as conn:
            stmt = select(crm_feedback).where(crm_feedback.c.lead_id == lead_id).order_by(crm_feedback.c.id)
            return list((await conn.execute(stmt)).all())
    finally:
        await engine.dispose()
