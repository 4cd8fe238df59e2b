"""Whatever arrives, ingest answers 202 or a 4xx, and keeps every refusal."""

import asyncio
import json

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from .fakes import FakePublisher, client_for
from .examples import DOWNLOAD, FORM, SENDGRID, ZOOM_LEFT, ZOOM_REGISTERED
from .helpers import a_touchpoint_doc

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _post(body: bytes, content_type: str = "application/json") -> tuple[httpx.Response, FakePublisher]:
    publisher = FakePublisher()

    async def go() -> httpx.Response:
        async with client_for(publisher) as c:
            return await c.post("/v1/touchpoints", content=body, headers={"content-type": content_type})

    return asyncio.run(go()), publisher


def _check(response: httpx.Response, publisher: FakePublisher) -> None:
    assert response.status_code in (202, 400, 413, 415, 422), response.text
    if response.status_code != 202:
        [(topic, event)] = publisher.published
        assert topic == "touchpoints.rejected" and event.event_id == response.json()["rejection_id"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["application/json", "text/plain", ""]))
def test_any_bytes_get_a_4xx_or_202(body, content_type):
    _check(*_post(body, content_type))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["type", "occurred_at", "source", "contact", "properties", "consent", "event_id"]), json_values)
def test_any_json_in_any_field_gets_a_4xx_or_202(field, value):
    _check(*_post(json.dumps(a_touchpoint_doc(**{field: value})).encode()))


def _post_webhook(source: str, body: bytes, content_type: str) -> tuple[httpx.Response, FakePublisher]:
    publisher = FakePublisher()

    async def go() -> httpx.Response:
        async with client_for(publisher) as c:
            return await c.post(f"/v1/webhooks/{source}", content=body, headers={"content-type": content_type})

    return asyncio.run(go()), publisher


def _check_webhook(response: httpx.Response, publisher: FakePublisher) -> None:
    assert response.status_code in (200, 202, 400, 404, 413, 415, 422), response.text
    if response.status_code >= 400:
        [(topic, event)] = publisher.published
        assert topic == "touchpoints.rejected" and event.event_id == response.json()["rejection_id"]
    elif response.status_code == 202:
        assert len(publisher.on("touchpoints")) == response.json()["accepted"] > 0


SOURCES = st.sampled_from(["website-form", "webinars", "downloads", "email-events", "nope"])


@settings(max_examples=150, deadline=None)
@given(SOURCES, st.binary(max_size=300), st.sampled_from(["application/json", "application/x-www-form-urlencoded", ""]))
def test_any_bytes_to_any_source_get_a_4xx_or_2xx(source, body, content_type):
    _check_webhook(*_post_webhook(source, body, content_type))


@settings(max_examples=200, deadline=None)
@given(SOURCES, json_values)
def test_any_json_to_any_source_gets_a_4xx_or_2xx(source, value):
    _check_webhook(*_post_webhook(source, json.dumps(value).encode(), "application/json"))


def _with(doc: object, path: list, value: object) -> object:
    """A deep copy of `doc` with the value at `path` replaced (lists by index, dicts by key)."""
    doc = json.loads(json.dumps(doc))
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


PATHS = [
    ("website-form", FORM, [k]) for k in FORM
] + [
    ("webinars", ZOOM_REGISTERED, ["payload", "object", "registrant", k]) for k in ZOOM_REGISTERED["payload"]["object"]["registrant"]
] + [
    ("webinars", ZOOM_LEFT, ["payload", "object", "participant", k]) for k in ZOOM_LEFT["payload"]["object"]["participant"]
] + [("webinars", ZOOM_LEFT, ["payload", "object", k]) for k in ("uuid", "id", "topic")] + [
    ("downloads", DOWNLOAD, [k]) for k in DOWNLOAD
] + [("downloads", DOWNLOAD, ["asset", k]) for k in DOWNLOAD["asset"]] + [
    ("email-events", SENDGRID, [i, k]) for i in (0, 1, 4) for k in SENDGRID[i]
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), json_values)
def test_any_value_in_any_field_of_the_example_payloads_gets_a_4xx_or_2xx(where, value):
    source, example, path = where
    _check_webhook(*_post_webhook(source, json.dumps(_with(example, path, value)).encode(), "application/json"))
