"""POST /v1/privacy/erasure: the erasure is published without the email, and recorded without it."""

from lead_events import lead_id_for

from ingest.privacy_api import get_erasures

from .fakes import FakePublisher, client_for

EMAIL = "Anna.Schmidt@Example-Industrie.de "


class FakeErasures:
    def __init__(self) -> None:
        self.rows: list[tuple] = []

    async def record(self, erasure_id, lead_id, requested_at) -> None:
        self.rows.append((erasure_id, lead_id, requested_at))


def _client(publisher: FakePublisher, erasures: FakeErasures):
    client = client_for(publisher)
    client._transport.app.dependency_overrides[get_erasures] = lambda: erasures
    return client


async def test_erasure_is_published_keyed_by_lead_id_without_the_email():
    publisher, erasures = FakePublisher(), FakeErasures()
    async with _client(publisher, erasures) as c:
        response = await c.post("/v1/privacy/erasure", json={"email": EMAIL, "requested_by": "dpo"})
    assert response.status_code == 202
    body = response.json()
    [event] = publisher.on("privacy.erasures")
    assert event.lead_id == body["lead_id"] == lead_id_for(EMAIL)
    assert event.data.erasure_id == body["erasure_id"]
    assert "anna" not in event.model_dump_json().lower() and "anna" not in response.text.lower()
    assert [row[:2] for row in erasures.rows] == [(body["erasure_id"], body["lead_id"])]


async def test_not_an_email_is_refused_and_kept_nowhere():
    publisher, erasures = FakePublisher(), FakeErasures()
    async with _client(publisher, erasures) as c:
        response = await c.post("/v1/privacy/erasure", json={"email": "anna at example"})
    assert response.status_code == 422
    assert "anna at example" not in response.text
    assert publisher.published == [] and erasures.rows == []


async def test_kafka_away_answers_503_and_records_nothing():
    publisher, erasures = FakePublisher(), FakeErasures()
    publisher.error = TimeoutError("no broker")
    async with _client(publisher, erasures) as c:
        response = await c.post("/v1/privacy/erasure", json={"email": EMAIL})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert erasures.rows == []
