"""What a client can get wrong gets a readable 4xx, never a 5xx, and is kept on touchpoints.rejected."""

import json

import httpx
import pytest
from lead_events import topics

from tests.builders import a_contact, a_touchpoint
from tests.kafka_tools import eventually, read_all

pytestmark = pytest.mark.e2e


def _cases() -> dict[str, tuple[bytes, int]]:
    wrong_type = a_touchpoint("webinar_attended", a_contact())
    wrong_type["type"] = "telepathy"
    no_email = a_touchpoint("webinar_attended", a_contact())
    del no_email["contact"]["email"]
    return {
        "malformed JSON": (b'{"type": "webinar_attended", ', 400),
        "wrong type": (json.dumps(wrong_type).encode(), 422),
        "missing email": (json.dumps(no_email).encode(), 422),
        "10 MB body": (b'{"pad": "' + b"x" * 10_000_000 + b'"}', 413),
    }


async def test_bad_input_is_refused_readably_and_kept(stack):
    rejection_ids = {}
    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=30) as client:
        for name, (body, status) in _cases().items():
            answer = await client.post("/v1/touchpoints", content=body, headers={"content-type": "application/json"})
            assert answer.status_code == status, (name, answer.text[:300])
            problem = answer.json()
            assert answer.headers["content-type"] == "application/problem+json"
            assert problem["detail"] and problem["rejection_id"], name
            rejection_ids[problem["rejection_id"]] = name

    async def all_kept():
        kept = {e.event_id: e for e in await read_all(stack.kafka, topics.TOUCHPOINTS_REJECTED)}
        return kept if set(rejection_ids) <= set(kept) else None

    kept = await eventually(all_kept)
    for rejection_id, name in rejection_ids.items():
        data = kept[rejection_id].data
        assert data.reason and data.raw_body, name
    assert "truncated" in kept[next(r for r, n in rejection_ids.items() if n == "10 MB body")].data.reason
