"""The real ingest app (lifespan, producer) against the real broker, on a topic prefix of its own."""

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord
from lead_events import TouchpointRecorded, TouchpointRejected, decode, lead_id_for
from lead_runtime.settings import KafkaSettings

from ingest.bootstrap import make_app
from ingest.settings import Settings

pytestmark = pytest.mark.integration
URL = "/v1/touchpoints"


def a_touchpoint_doc(email: str, **overrides: object) -> dict:
    doc = {
        "type": "whitepaper_downloaded",
        "occurred_at": "2026-11-22T10:15:00Z",
        "source": "website",
        "contact": {"email": email},
        "properties": {"asset": "wp-energy"},
    }
    return doc | overrides


@pytest.fixture
async def client(kafka_settings: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(Settings(kafka=kafka_settings))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest") as c:
            yield c


async def _poll(consumer: AIOKafkaConsumer, timeout_ms: int) -> list[ConsumerRecord]:
    batches = await consumer.getmany(timeout_ms=timeout_ms)
    return [r for batch in batches.values() for r in batch]


async def read_topic(kafka: KafkaSettings, topic: str, count: int, timeout_s: float = 30) -> list[ConsumerRecord]:
    """All records of the (test's own, prefixed) topic once `count` arrived; fails if fewer do in time."""
    consumer = AIOKafkaConsumer(
        kafka.topic(topic), bootstrap_servers=kafka.bootstrap_servers,
        group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        loops = int(timeout_s / 0.5)
        while len(records) < count and loops > 0:
            records += await _poll(consumer, 500)
            loops -= 1
        records += await _poll(consumer, 1000)  # one more look, so extra records would show
    finally:
        await consumer.stop()
    assert len(records) >= count, f"{len(records)} of {count} records on {topic}"
    return records


async def test_an_accepted_touchpoint_is_on_the_topic_keyed_by_its_lead(client, kafka_settings):
    email = f"anna.{uuid.uuid4().hex[:8]}@example-industrie.de"
    response = await client.post(URL, json=a_touchpoint_doc(f"  {email.upper()} "))
    assert response.status_code == 202, response.text
    [record] = await read_topic(kafka_settings, "touchpoints", 1)  # exactly one
    event = decode(record.value)
    assert isinstance(event, TouchpointRecorded)
    assert record.key == lead_id_for(email).encode() == event.lead_id.encode()
    assert response.json()["event_ids"] == [event.event_id]
    assert event.data.contact.email == email
    assert dict(record.headers)["event_type"] == b"touchpoint.recorded"


async def test_a_refused_body_is_on_the_rejected_topic_with_raw_body_and_reason(client, kafka_settings):
    response = await client.post(URL, content=b'{"type": "page_vis', headers={"content-type": "application/json"})
    assert response.status_code == 400
    too_big = json.dumps(a_touchpoint_doc("big@example.de", properties={"blob": "x" * 2_000_000})).encode()
    response_413 = await client.post(URL, content=too_big, headers={"content-type": "application/json"})
    assert response_413.status_code == 413

    records = await read_topic(kafka_settings, "touchpoints.rejected", 2)
    assert len(records) == 2
    events = {e.event_id: e for e in map(decode, (r.value for r in records))}
    malformed = events[response.json()["rejection_id"]]
    assert isinstance(malformed, TouchpointRejected)
    assert malformed.data.raw_body == '{"type": "page_vis'
    assert "not valid JSON" in malformed.data.reason
    truncated = events[response_413.json()["rejection_id"]]
    assert f"of {len(too_big)} bytes" in truncated.data.reason
    assert truncated.lead_id == truncated.event_id  # a body too large is not parsed, so no lead is known


async def test_a_refused_batch_publishes_nothing_from_it(client, kafka_settings):
    batch = {"touchpoints": [a_touchpoint_doc("ok@example.de"), a_touchpoint_doc("not an email")]}
    refused = await client.post(URL, json=batch)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "touchpoints.1.contact.email"
    accepted = await client.post(URL, json=a_touchpoint_doc("later@example.de"))
    assert accepted.status_code == 202
    records = await read_topic(kafka_settings, "touchpoints", 1)
    assert [r.key for r in records] == [lead_id_for("later@example.de").encode()]


async def test_the_same_sender_id_posted_five_times_is_accepted_five_times_with_one_event_id(client, kafka_settings):
    doc = a_touchpoint_doc("retry@example.de", event_id=f"sender-{uuid.uuid4()}")
    responses = [await client.post(URL, json=doc) for _ in range(5)]
    assert [r.status_code for r in responses] == [202] * 5
    assert len({r.json()["event_ids"][0] for r in responses}) == 1
    records = await read_topic(kafka_settings, "touchpoints", 5)
    assert len(records) == 5
    assert {decode(r.value).event_id for r in records} == {responses[0].json()["event_ids"][0]}
