"""POST /v1/privacy/erasure against the real broker and database: the erasure is on its topic and
recorded, and neither holds the email."""

import uuid

import httpx
import pytest
from lead_events import decode, lead_id_for
from lead_runtime.settings import KafkaSettings

from ingest.bootstrap import make_app
from ingest.settings import Settings
from tests.privacy_check import columns_mentioning

from .test_ingest_kafka import read_topic

pytestmark = pytest.mark.integration


async def test_erasure_is_published_and_recorded_without_the_email(fresh_database, kafka_settings: KafkaSettings):
    database = await fresh_database("ingest")
    app = make_app(Settings(kafka=kafka_settings, database=database))
    email = f"anna.{uuid.uuid4().hex[:8]}@example-industrie.de"
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest") as client:
            response = await client.post("/v1/privacy/erasure", json={"email": email.upper()})
    assert response.status_code == 202
    [record] = await read_topic(kafka_settings, "privacy.erasures", 1)
    event = decode(record.value)
    assert record.key.decode() == event.lead_id == lead_id_for(email) == response.json()["lead_id"]
    assert email.encode() not in record.value
    url = database.url.get_secret_value()
    assert await columns_mentioning(url, email) == []
    assert await columns_mentioning(url, response.json()["erasure_id"]) == ["privacy_erasures.erasure_id"]
