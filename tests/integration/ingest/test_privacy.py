"""POST /v1/privacy/erasure against the real broker and database: the erasure is on its topic and
recorded, and neither holds the email."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from lead_events import decode, lead_id_for
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.settings import DatabaseSettings, KafkaSettings

from ingest.adapters.erasures import SqlErasures
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



async def test_erasure_records_say_when_each_person_asked_and_nothing_when_the_database_is_away(fresh_database):
    engine = make_engine(await fresh_database("ingest"))
    erasures = SqlErasures(make_sessionmaker(engine))
    first, again = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
    await erasures.record("e-1", "lead-a", first)
    await erasures.record("e-2", "lead-a", again)
    assert await erasures.erased_at(["lead-a", "lead-b"]) == {"lead-a": again}
    await engine.dispose()

    nowhere = DatabaseSettings(url="postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none", pool_size=1)
    away = make_engine(nowhere)
    assert await SqlErasures(make_sessionmaker(away)).erased_at(["lead-a"]) == {}  # published as it came
    await away.dispose()
