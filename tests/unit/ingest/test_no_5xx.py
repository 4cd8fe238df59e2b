"""Whatever arrives, ingest answers 202 or a 4xx, and keeps every refusal."""

import asyncio
import json

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from .fakes import FakePublisher, client_for
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
