import asyncio
import json
from urllib.parse import urlencode

import pytest
from lead_events import lead_id_for

from ingest.domain.signature import parse_secret, sign

from .examples import FORM, SENDGRID, ZOOM_LEFT
from .fakes import FakePublisher, MovableClock, client_for

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEXT_SECRET = "whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA=="
JSON = {"content-type": "application/json"}


def _signed(body: bytes, clock: MovableClock, msg_id: str = "msg_1", secret: str = SECRET) -> dict:
    ts = int(clock().timestamp())
    return JSON | {"webhook-id": msg_id, "webhook-timestamp": str(ts),
                   "webhook-signature": sign(parse_secret(secret), msg_id, ts, body)}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def _kept(publisher: FakePublisher, problem: dict, source: str):
    [rejection] = publisher.on("touchpoints.rejected")
    assert rejection.event_id == problem["rejection_id"] and rejection.data.source == source
    assert publisher.on("touchpoints") == []
    return rejection


@pytest.fixture
async def signed_client(publisher, deliveries, clock):
    secrets = {"website_form": f"{NEXT_SECRET} {SECRET}"}  # rotating: both are valid
    async with client_for(publisher, deliveries, clock, webhook_secrets=secrets) as c:
        yield c


async def test_a_form_post_is_published_and_answered_202(client, publisher):
    response = await client.post("/v1/webhooks/website-form", json=FORM)
    assert response.status_code == 202, response.text
    [event] = publisher.on("touchpoints")
    assert response.json() == {"accepted": 1, "event_ids": [event.event_id], "lead_ids": [event.lead_id],
                               "ignored": [], "duplicate": False}
    assert event.lead_id == lead_id_for("anna.schmidt@example-industrie.de")
    assert event.data.properties["may_contact_sales"] is True


async def test_a_form_may_post_url_encoded_fields(client, publisher):
    body = urlencode({k: v for k, v in FORM.items()})
    response = await client.post("/v1/webhooks/website-form", content=body,
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 202, response.text
    assert publisher.on("touchpoints")[0].data.contact.first_name == "Anna"


async def test_an_unknown_source_is_refused_404_and_kept(client, publisher):
    problem = _problem(await client.post("/v1/webhooks/hubspot", json={"a": 1}), 404)
    assert "website-form" in problem["detail"]
    assert _kept(publisher, problem, "hubspot").data.raw_body == '{"a":1}'


async def test_a_payload_the_adapter_cannot_read_is_refused_422_and_kept(client, publisher):
    problem = _problem(await client.post("/v1/webhooks/webinars", json={"no": "event"}), 422)
    assert problem["errors"][0]["field"] == "event" and "zoom_webinar" in problem["detail"]
    _kept(publisher, problem, "webinars")


async def test_a_mapped_touchpoint_that_is_invalid_is_refused_422_naming_the_field(client, publisher):
    problem = _problem(await client.post("/v1/webhooks/website-form", json=FORM | {"E-Mail": "kein-at"}), 422)
    assert problem["errors"][0]["field"] == "touchpoints.0.contact.email"
    assert problem["detail"].startswith("After mapping the website_form payload")
    _kept(publisher, problem, "website-form")


async def test_malformed_json_is_refused_400_and_kept(client, publisher):
    problem = _problem(await client.post("/v1/webhooks/downloads", content=b"{", headers=JSON), 400)
    _kept(publisher, problem, "downloads")


async def test_sendgrid_events_are_published_as_a_batch_and_ignored_items_listed(client, publisher):
    response = await client.post("/v1/webhooks/email-events", json=SENDGRID)
    assert response.status_code == 202 and response.json()["accepted"] == 3
    assert len(response.json()["ignored"]) == 2 and len(publisher.on("touchpoints")) == 3


async def test_a_delivery_with_nothing_to_publish_is_answered_200(client, publisher):
    response = await client.post("/v1/webhooks/webinars", json=ZOOM_LEFT | {"event": "webinar.participant_joined"})
    assert response.status_code == 200 and response.json()["accepted"] == 0
    assert publisher.published == []


async def test_the_same_webhook_id_five_times_is_published_once(client, publisher, deliveries):
    headers = JSON | {"webhook-id": "msg_42"}
    answers = [await client.post("/v1/webhooks/webinars", content=json.dumps(ZOOM_LEFT), headers=headers)
               for _ in range(5)]
    assert [a.status_code for a in answers] == [202, 200, 200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True, True, True]
    assert {tuple(a.json()["event_ids"]) for a in answers} == {tuple(answers[0].json()["event_ids"])}
    assert len(publisher.on("touchpoints")) == 1


async def test_without_a_webhook_id_an_identical_body_is_the_same_delivery(client, publisher):
    first = await client.post("/v1/webhooks/downloads", content=b'{"asset": {"id": "a"}, "visitor_id": "v"}', headers=JSON)
    again = await client.post("/v1/webhooks/downloads", content=b'{"asset": {"id": "a"}, "visitor_id": "v"}', headers=JSON)
    assert (first.status_code, again.status_code, again.json()["duplicate"]) == (202, 200, True)


async def test_when_webhook_ids_are_unavailable_the_delivery_is_still_accepted(client, publisher, deliveries):
    deliveries.error = ConnectionRefusedError()
    for _ in range(2):
        assert (await client.post("/v1/webhooks/webinars", json=ZOOM_LEFT)).status_code == 202
    first, second = publisher.on("touchpoints")
    assert first.event_id == second.event_id  # published again, counted once downstream


async def test_a_signed_request_is_accepted_with_either_rotating_secret(signed_client, publisher, clock):
    body = json.dumps(FORM).encode()
    for i, secret in enumerate((SECRET, NEXT_SECRET)):
        response = await signed_client.post("/v1/webhooks/website-form", content=body,
                                            headers=_signed(body, clock, f"msg_{i}", secret))
        assert response.status_code == 202, response.text


async def test_an_unsigned_request_to_a_source_with_a_secret_is_refused_401_and_kept(signed_client, publisher):
    problem = _problem(await signed_client.post("/v1/webhooks/website-form", json=FORM), 401)
    assert "Unsigned" in problem["detail"]
    _kept(publisher, problem, "website-form")


async def test_a_tampered_body_is_refused_401(signed_client, publisher, clock):
    body = json.dumps(FORM).encode()
    tampered = body.replace(b"Anna", b"Eve")
    problem = _problem(await signed_client.post("/v1/webhooks/website-form", content=tampered,
                                                headers=_signed(body, clock)), 401)
    assert "does not match" in problem["detail"]
    _kept(publisher, problem, "website-form")


async def test_a_stale_signature_is_refused_401_and_a_fresh_one_of_the_same_id_is_a_duplicate(
    signed_client, publisher, clock
):
    body = json.dumps(FORM).encode()
    first = await signed_client.post("/v1/webhooks/website-form", content=body, headers=_signed(body, clock))
    stale = _signed(body, clock)
    clock.advance(minutes=5, seconds=1)
    problem = _problem(await signed_client.post("/v1/webhooks/website-form", content=body, headers=stale), 401)
    assert "too old" in problem["detail"]
    clock.advance(days=3)  # the sender retries days later, signing the attempt afresh
    again = await signed_client.post("/v1/webhooks/website-form", content=body, headers=_signed(body, clock))
    assert (first.status_code, again.status_code, again.json()["duplicate"]) == (202, 200, True)
    assert len(publisher.on("touchpoints")) == 1


async def test_sources_without_a_secret_still_take_unsigned_requests(signed_client):
    assert (await signed_client.post("/v1/webhooks/webinars", json=ZOOM_LEFT)).status_code == 202


async def test_an_oversized_body_is_refused_413_and_kept_truncated(client, publisher):
    body = json.dumps(FORM | {"Bedarf": "x" * 2_000_000}).encode()
    problem = _problem(await client.post("/v1/webhooks/website-form", content=body, headers=JSON), 413)
    assert "truncated" in _kept(publisher, problem, "website-form").data.reason


async def test_kafka_away_answers_503_with_retry_after(client, publisher):
    publisher.error = ConnectionRefusedError()
    response = await client.post("/v1/webhooks/website-form", json=FORM)
    assert response.status_code == 503 and int(response.headers["retry-after"]) >= 1


async def test_beyond_the_in_flight_limit_ingest_answers_503_rather_than_queue(publisher):
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(topic, events):
        entered.set()
        await release.wait()

    publisher.publish_many = slow
    async with client_for(publisher, max_in_flight=1) as client:
        first = asyncio.create_task(client.post("/v1/webhooks/website-form", json=FORM))
        await entered.wait()
        second = await client.post("/v1/touchpoints", json={"x": 1})
        third = await client.post("/v1/webhooks/website-form", json=FORM)
        release.set()
        assert (await first).status_code == 202
    for answer in (second, third):
        assert answer.status_code == 503 and int(answer.headers["retry-after"]) >= 1
        assert "in flight" in answer.json()["detail"]


async def test_the_openapi_document_describes_the_webhook_answers(client):
    operation = (await client.get("/openapi.json")).json()["paths"]["/v1/webhooks/{source}"]["post"]
    assert set(operation["responses"]) >= {"200", "202", "400", "401", "404", "413", "415", "422", "429", "503"}
