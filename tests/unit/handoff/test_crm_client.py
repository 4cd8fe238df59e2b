import json
from datetime import UTC, datetime

import httpx
import pytest

from handoff.adapters.crm_client import HttpCrmClient, parse_retry_after

URL = "http://crm.test/leads"
BODY = {"lead_id": "lead-1", "handoff_id": "h-1", "episode": 1}


def client_answering(handler) -> HttpCrmClient:
    return HttpCrmClient(httpx.AsyncClient(transport=httpx.MockTransport(handler)), URL, timeout_seconds=0.2)


async def test_push_posts_json_with_the_handoff_id_as_idempotency_key():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"id": "crm-1"})

    result = await client_answering(handler).push("h-1", BODY)
    assert (result.status_code, result.error) == (201, None)
    request = seen[0]
    assert request.method == "POST" and str(request.url) == URL
    assert request.headers["Idempotency-Key"] == "h-1"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == BODY


async def test_server_error_is_reported_with_status_and_text():
    result = await client_answering(lambda r: httpx.Response(503, text="maintenance")).push("h-1", BODY)
    assert result.status_code == 503
    assert "503" in result.error and "maintenance" in result.error


async def test_retry_after_in_seconds_is_passed_on():
    result = await client_answering(lambda r: httpx.Response(429, headers={"Retry-After": "7"})).push("h-1", BODY)
    assert (result.status_code, result.retry_after) == (429, 7.0)


async def test_timeout_is_no_answer():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    result = await client_answering(handler).push("h-1", BODY)
    assert result.status_code is None
    assert "no answer" in result.error


async def test_connection_refused_is_no_answer():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = await client_answering(handler).push("h-1", BODY)
    assert result.status_code is None
    assert "ConnectError" in result.error


@pytest.mark.parametrize("value, expected", [("120", 120.0), ("0", 0.0), (None, None), ("", None), ("soon", None)])
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    now = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sun, 22 Nov 2026 10:01:30 GMT", now) == 90.0
    assert parse_retry_after("Sun, 22 Nov 2026 09:00:00 GMT", now) == 0.0


async def test_the_url_can_carry_the_handoff_id_for_an_upsert_with_a_token():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = HttpCrmClient(httpx.AsyncClient(transport=httpx.MockTransport(handler)),
                           "http://crm.test/sobjects/Lead/Leadflow_Handoff_Id__c/{handoff_id}",
                           method="PATCH", token="s3cret")
    result = await client.push("h-1", BODY)
    assert result.status_code == 204
    assert seen[0].method == "PATCH" and seen[0].url.path.endswith("/Leadflow_Handoff_Id__c/h-1")
    assert seen[0].headers["Authorization"] == "Bearer s3cret"
