"""The edge's text policy: NUL and lone surrogates are refused naming the field, and kept."""

import json

import pytest
from lead_events import encode

from .examples import FORM
from .helpers import a_touchpoint_doc

URL = "/v1/touchpoints"
JSON = {"content-type": "application/json"}
SURROGATE, NUL = "\\ud800", "\\u0000"  # as JSON escapes: the body itself is plain ASCII


def _body(doc: dict, needle: str, marker: str = "@@") -> bytes:
    """`doc` as JSON with `marker` replaced by the raw JSON escape `needle`."""
    return json.dumps(doc).replace(marker, needle).encode()


def _refused_and_kept(response, publisher, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert field in [e["field"] for e in problem["errors"]], problem
    assert publisher.on("touchpoints") == []
    [rejection] = publisher.on("touchpoints.rejected")
    assert rejection.event_id == problem["rejection_id"]
    encode(rejection)  # publishable
    assert rejection.data.raw_body_encoding == "utf-8" and "@@" not in rejection.data.raw_body


CASES = [
    ("source", a_touchpoint_doc(source="web@@"), "source"),
    ("email", a_touchpoint_doc(contact={"email": "anna@@@example.de"}), "contact.email"),
    ("first name", a_touchpoint_doc(contact={"email": "a@example.de", "first_name": "An@@na"}), "contact.first_name"),
    ("job title", a_touchpoint_doc(contact={"email": "a@example.de", "job_title": "@@"}), "contact.job_title"),
    ("property value", a_touchpoint_doc(properties={"webinar_id": "w@@"}), "properties.webinar_id"),
    ("nested value", a_touchpoint_doc(properties={"a": [{"b": "@@"}]}), "properties.a.0.b"),
]


@pytest.mark.parametrize("needle", [SURROGATE, NUL], ids=["surrogate", "nul"])
@pytest.mark.parametrize(("name", "doc", "field"), CASES, ids=[c[0] for c in CASES])
async def test_unstorable_text_in_any_field_is_refused_naming_it_and_kept(client, publisher, needle, name, doc, field):
    response = await client.post(URL, content=_body(doc, needle), headers=JSON)
    _refused_and_kept(response, publisher, field)


@pytest.mark.parametrize("needle", [SURROGATE, NUL], ids=["surrogate", "nul"])
async def test_unstorable_text_in_a_property_key_is_refused_and_kept(client, publisher, needle):
    response = await client.post(URL, content=_body(a_touchpoint_doc(properties={"k@@": 1}), needle), headers=JSON)
    _refused_and_kept(response, publisher, "properties.k" + needle.lower())


async def test_in_a_batch_the_index_is_named(client, publisher):
    docs = [a_touchpoint_doc(), a_touchpoint_doc(source="x@@")]
    response = await client.post(URL, content=_body({"touchpoints": docs}, NUL), headers=JSON)
    _refused_and_kept(response, publisher, "touchpoints.1.source")


async def test_a_webhook_payload_with_nul_is_refused_and_kept(client, publisher):
    body = _body({**FORM, "Vorname": "A@@"}, NUL)
    response = await client.post("/v1/webhooks/website-form", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "Vorname"
    [rejection] = publisher.on("touchpoints.rejected")
    assert rejection.data.source == "website-form"
    encode(rejection)


@pytest.mark.parametrize("path", ["email-events%2Fx", "..%2f..%2fetc", "a/b/c", "x%00y", "line%0Abreak", "%0D%0A"])
async def test_an_encoded_path_is_an_unknown_source_answered_as_a_problem_and_kept(client, publisher, path):
    response = await client.post(f"/v1/webhooks/{path}", json={"a": 1})
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [rejection] = publisher.on("touchpoints.rejected")
    assert rejection.event_id == response.json()["rejection_id"]
    encode(rejection)


async def test_an_unknown_path_is_a_problem_document(client):
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_form_encoded_webhook_with_nul_is_refused_and_kept(client, publisher):
    body = "E-Mail=anna%40example.de&Vorname=A%00na&form_id=kontakt"
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = await client.post("/v1/webhooks/website-form", content=body, headers=form)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["Vorname"]
    [rejection] = publisher.on("touchpoints.rejected")
    encode(rejection)
