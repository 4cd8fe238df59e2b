"""Webhook de-duplication against the real database and broker: a redelivery days later publishes nothing."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lead_events import decode
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.settings import DatabaseSettings, KafkaSettings
from sqlalchemy import text

from ingest.adapters.deliveries import SqlDeliveries
from ingest.bootstrap import make_app
from ingest.domain.signature import parse_secret, sign
from ingest.purge import BATCH, purge_once
from ingest.settings import Settings

from .test_ingest_kafka import read_topic

pytestmark = pytest.mark.integration
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def database(fresh_database) -> DatabaseSettings:
    return await fresh_database("ingest")


async def test_sql_deliveries_remember_answer_and_forget(database):
    engine = make_engine(database)
    store = SqlDeliveries(make_sessionmaker(engine))
    now = datetime.now(UTC)
    try:
        await store.remember("webinars", "id:a", {"accepted": 1}, now - timedelta(days=8))
        await store.remember("webinars", "id:a", {"accepted": 9}, now)  # the first answer stays
        await store.remember("webinars", "id:b", {"accepted": 2}, now)
        assert await store.answer_of("webinars", "id:a") == {"accepted": 1}
        assert await store.answer_of("downloads", "id:a") is None
        assert await purge_once(store, timedelta(days=7), lambda: now) == 1
        assert await store.answer_of("webinars", "id:a") is None
        assert await store.answer_of("webinars", "id:b") == {"accepted": 2}
    finally:
        await engine.dispose()


_OLD_IDS = text(
    "INSERT INTO webhook_deliveries (source, delivery_id, answer, received_at)"
    " SELECT 'webinars', 'id:' || g, '{}'::jsonb, now() - interval '30 days' FROM generate_series(1, :n) g"
)


@pytest.fixture
async def store(database) -> SqlDeliveries:
    engine = make_engine(database)
    yield SqlDeliveries(make_sessionmaker(engine))
    await engine.dispose()


async def old_ids(store: SqlDeliveries, n: int) -> None:
    async with store.sessions.begin() as session:
        await session.execute(_OLD_IDS, {"n": n})


async def test_two_purges_at_once_forget_every_old_id_once_and_keep_the_new(store):
    """Two ingest workers purging at the same moment (`serve worker` scaled past one)."""
    now = datetime.now(UTC)
    await old_ids(store, 2 * BATCH + 1234)
    await store.remember("webinars", "id:new", {"accepted": 1}, now)
    deleted = await asyncio.gather(*(purge_once(store, timedelta(days=7), lambda: now) for _ in range(2)))
    assert sum(deleted) == 2 * BATCH + 1234
    assert await store.forget_before(now, BATCH) == 0  # nothing old left for a third
    assert await store.answer_of("webinars", "id:new") == {"accepted": 1}


async def test_a_purge_skips_the_ids_another_purge_holds_instead_of_waiting(store):
    await old_ids(store, 100)
    async with store.sessions.begin() as holder:  # another purge's batch, not yet committed
        await holder.execute(text("SELECT 1 FROM webhook_deliveries ORDER BY delivery_id LIMIT 40 FOR UPDATE"))
        assert await asyncio.wait_for(purge_once(store, timedelta(days=7), lambda: datetime.now(UTC)), 5) == 60


async def test_the_same_signed_webhook_five_times_over_days_is_on_the_topic_once(database, kafka_settings: KafkaSettings):
    clock = MovableClock()
    settings = Settings(kafka=kafka_settings, database=database, webhook_secrets={"website_form": SECRET})
    app = make_app(settings, clock=clock)
    email = f"anna.{uuid.uuid4().hex[:8]}@example-industrie.de"
    body = json.dumps({"E-Mail": email, "Firma": "Example Industrie GmbH", "Rueckruf": "ja"}).encode()
    msg_id = f"msg_{uuid.uuid4().hex}"
    answers = []
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest") as client:
            for _ in range(5):
                ts = int(clock().timestamp())
                headers = {"content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(ts),
                           "webhook-signature": sign(parse_secret(SECRET), msg_id, ts, body)}
                answers.append(await client.post("/v1/webhooks/website-form", content=body, headers=headers))
                clock.now += timedelta(days=1)  # the sender keeps retrying for days
            tampered = await client.post("/v1/webhooks/website-form", content=body + b" ", headers=headers)
    assert [a.status_code for a in answers] == [202, 200, 200, 200, 200]
    assert tampered.status_code == 401
    records = await read_topic(kafka_settings, "touchpoints", 1)
    assert len(records) == 1
    event = decode(records[0].value)
    assert event.event_id == answers[0].json()["event_ids"][0] and event.data.properties["may_contact_sales"] is True
    [rejected] = await read_topic(kafka_settings, "touchpoints.rejected", 1)
    assert decode(rejected.value).data.source == "website-form"
