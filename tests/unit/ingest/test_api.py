import asyncio
import base64
import json

from aiokafka.errors import KafkaTimeoutError
from lead_events import lead_id_for

from ingest.domain.rejection import KEPT_BODY_BYTES

from .fakes import client_for
from .helpers import a_touchpoint_doc

URL = "/v1/touchpoints"
JSON = {"content-type": "application/json"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def _the_rejection(publisher, problem: dict):
    [rejection] = publisher.on("touchpoints.rejected")
    assert rejection.event_id == problem["rejection_id"]
    assert publisher.on("touchpoints") == []
    return rejection


async def test_a_touchpoint_is_published_and_answered_202_with_its_ids(client, publisher):
    response = await client.post(URL, json=a_touchpoint_doc(event_id="s-1"))
    assert response.status_code == 202
    [event] = publisher.on("touchpoints")
    assert response.json() == {"accepted": 1, "event_ids": [event.event_id], "lead_ids": [event.lead_id]}
    assert event.lead_id == lead_id_for("anna.schmidt@example-industrie.de")


async def test_a_batch_is_published_in_order(client, publisher):
    docs = [a_touchpoint_doc(contact={"email": f"p{i}@example.de"}) for i in range(3)]
    response = await client.post(URL, json={"touchpoints": docs})
    assert response.status_code == 202
    events = publisher.on("touchpoints")
    assert response.json()["accepted"] == 3
    assert response.json()["lead_ids"] == [lead_id_for(f"p{i}@example.de") for i in range(3)] == [
        e.lead_id for e in events
    ]


async def test_the_same_sender_id_posted_twice_gets_the_same_event_id(client, publisher):
    first = await client.post(URL, json=a_touchpoint_doc(event_id="s-1"))
    second = await client.post(URL, json=a_touchpoint_doc(event_id="s-1"))
    assert first.json()["event_ids"] == second.json()["event_ids"]


async def test_malformed_json_is_refused_400_and_kept(client, publisher):
    problem = _problem(await client.post(URL, content=b'{"type": ', headers=JSON), 400)
    rejection = _the_rejection(publisher, problem)
    assert rejection.data.raw_body == '{"type": '
    assert rejection.data.raw_body_encoding == "utf-8"
    assert "not valid JSON" in rejection.data.reason


async def test_a_body_that_is_not_utf8_is_refused_400_and_kept_as_base64(client, publisher):
    problem = _problem(await client.post(URL, content=b'{"a": "\xff"}', headers=JSON), 400)
    rejection = _the_rejection(publisher, problem)
    assert rejection.data.raw_body_encoding == "base64"
    assert base64.b64decode(rejection.data.raw_body) == b'{"a": "\xff"}'


async def test_nan_is_not_json(client, publisher):
    _problem(await client.post(URL, content=b'{"properties": NaN}', headers=JSON), 400)


async def test_a_wrong_type_is_refused_422_naming_the_field(client, publisher):
    problem = _problem(await client.post(URL, json=a_touchpoint_doc(occurred_at=12.5e99)), 422)
    assert [e["field"] for e in problem["errors"]] == ["occurred_at"]
    rejection = _the_rejection(publisher, problem)
    assert rejection.data.errors == problem["errors"]
    assert rejection.data.source == "webinar-platform"
    assert rejection.lead_id == lead_id_for("anna.schmidt@example-industrie.de")


async def test_an_unknown_touchpoint_type_is_refused_422(client, publisher):
    problem = _problem(await client.post(URL, json=a_touchpoint_doc(type="coffee_drunk")), 422)
    assert problem["errors"][0]["field"] == "type"


async def test_a_contact_without_email_and_anonymous_id_is_refused_422(client, publisher):
    problem = _problem(await client.post(URL, json=a_touchpoint_doc(contact={"first_name": "Anna"})), 422)
    assert problem["errors"][0]["field"] == "contact"
    assert "email" in problem["errors"][0]["message"]
    _the_rejection(publisher, problem)


async def test_a_blank_anonymous_id_is_refused_422(client, publisher):
    problem = _problem(await client.post(URL, json=a_touchpoint_doc(contact={"anonymous_id": "  "})), 422)
    assert problem["errors"][0]["field"] == "contact"  # blank counts as missing: one lead per blank id would merge strangers


async def test_a_batch_with_one_bad_item_is_refused_whole_naming_its_index(client, publisher):
    docs = [a_touchpoint_doc(), a_touchpoint_doc(contact={"email": "not-an-email"}), a_touchpoint_doc()]
    problem = _problem(await client.post(URL, json={"touchpoints": docs}), 422)
    assert [e["field"] for e in problem["errors"]] == ["touchpoints.1.contact.email"]
    assert "index 1" in problem["detail"] and "nothing from it was accepted" in problem["detail"]
    _the_rejection(publisher, problem)


async def test_an_empty_or_oversized_batch_is_refused_422(client, publisher):
    _problem(await client.post(URL, json={"touchpoints": []}), 422)
    _problem(await client.post(URL, json={"touchpoints": [a_touchpoint_doc()] * 501}), 422)


async def test_json_that_is_not_an_object_is_refused_422(client, publisher):
    _problem(await client.post(URL, json=[a_touchpoint_doc()]), 422)


async def test_deeply_nested_properties_are_refused_422(client, publisher):
    deep: object = 1
    for _ in range(200):
        deep = [deep]
    problem = _problem(await client.post(URL, json=a_touchpoint_doc(properties={"x": deep})), 422)
    assert problem["errors"][0]["field"].startswith("properties.x.0")


async def test_a_2mb_body_is_refused_413_and_kept_truncated(client, publisher):
    body = json.dumps(a_touchpoint_doc(properties={"blob": "x" * 2_000_000})).encode()
    problem = _problem(await client.post(URL, content=body, headers=JSON), 413)
    rejection = _the_rejection(publisher, problem)
    assert rejection.data.raw_body == body[:KEPT_BODY_BYTES].decode()
    assert f"of {len(body)} bytes" in rejection.data.reason and "truncated" in rejection.data.reason


async def test_a_batch_with_one_touchpoint_too_large_for_kafka_is_refused_413_whole(publisher):
    docs = [a_touchpoint_doc(), a_touchpoint_doc(properties={"blob": "x" * 1_100_000})]
    async with client_for(publisher, http={"port": 8001, "max_body_bytes": 3_000_000}) as client:
        problem = _problem(await client.post(URL, json={"touchpoints": docs}), 413)
    assert problem["errors"][0]["field"] == "touchpoints.1"
    _the_rejection(publisher, problem)


async def test_a_wrong_content_type_is_refused_415_and_kept(client, publisher):
    response = await client.post(URL, content=b"type=page_visited", headers={"content-type": "text/plain"})
    problem = _problem(response, 415)
    rejection = _the_rejection(publisher, problem)
    assert (rejection.data.raw_body, rejection.data.content_type) == ("type=page_visited", "text/plain")


async def test_json_with_a_charset_or_a_json_suffix_is_fine(client, publisher):
    body = json.dumps(a_touchpoint_doc()).encode()
    for content_type in ("application/json; charset=utf-8", "application/vnd.leadflow+json"):
        response = await client.post(URL, content=body, headers={"content-type": content_type})
        assert response.status_code == 202


async def test_kafka_failing_on_touchpoints_answers_503_with_retry_after(client, publisher):
    publisher.error = KafkaTimeoutError()
    problem = _problem(await client.post(URL, json=a_touchpoint_doc()), 503)
    assert problem["status"] == 503
    assert int((await client.post(URL, json=a_touchpoint_doc())).headers["retry-after"]) > 0


async def test_kafka_failing_on_a_rejection_answers_503_not_the_4xx(client, publisher):
    publisher.error = ConnectionRefusedError()
    response = await client.post(URL, content=b"{", headers=JSON)
    assert response.status_code == 503 and "retry-after" in response.headers


async def test_kafka_too_slow_answers_503(client, publisher):
    async def hang(topic, events):
        await asyncio.sleep(5)

    publisher.publish_many = hang  # publish_timeout_seconds is 0.5 in these tests
    response = await client.post(URL, json=a_touchpoint_doc())
    assert response.status_code == 503


async def test_the_openapi_document_describes_the_body_and_answers(client):
    operation = (await client.get("/openapi.json")).json()["paths"][URL]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {s["$ref"].rsplit("/", 1)[1] for s in schema["anyOf"]} == {"TouchpointIn", "TouchpointBatchIn"}
    assert set(operation["responses"]) >= {"202", "400", "413", "415", "422", "503"}
