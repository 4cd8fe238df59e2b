"""Scoring's routes refuse what PostgreSQL cannot take, and a cursor they did not give out, with a
problem, before any query runs."""

import base64

import httpx
import pytest
from fastapi import FastAPI
from lead_runtime.paging import encode_cursor
from lead_runtime.problems import install_problem_handlers
from lead_runtime.service import get_runtime, get_session

from scoring.api import LEADS_PAGE_MAX, MAX_OFFSET, router


async def _get(url: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(router)
    install_problem_handlers(app)
    app.dependency_overrides[get_session] = app.dependency_overrides[get_runtime] = lambda: None  # never reached
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get(url)


async def test_offset_paging_is_refused_with_a_problem_that_names_the_cursor():
    answer = await _get(f"/v1/leads?stage=sales_ready&offset={MAX_OFFSET + 1}")
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "query.offset"
    assert "cursor" in answer.json()["detail"]


async def test_a_ledger_position_beyond_postgresqls_bigint_is_refused_not_a_server_error():
    answer = await _get(f"/v1/leads/some-lead/ledger?after={MAX_OFFSET + 1}")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "query.after"


@pytest.mark.parametrize("cursor", [
    "garbage", "%00", "e30",  # not base64 JSON; {} is not a key
    encode_cursor("2026-01-01T00:00:00Z"),  # too short
    encode_cursor("2026-01-01T00:00:00", "lead"),  # no time zone
    encode_cursor("0001-01-01T00:00:00+14:00", "lead"),  # before the year 1 in UTC
    encode_cursor("2026-01-01T00:00:00Z", "le\x00ad"),  # PostgreSQL takes no NUL
    base64.urlsafe_b64encode(b'["2026-01-01T00:00:00Z", "\\ud800"]').decode(),  # a lone surrogate
    "x" * 600,
])
async def test_a_forged_cursor_is_a_client_error_never_a_server_error(cursor):
    answer = await _get(f"/v1/leads?stage=sales_ready&cursor={cursor}")
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "query.cursor"


async def test_a_page_larger_than_the_maximum_is_refused():
    answer = await _get(f"/v1/leads?stage=sales_ready&limit={LEADS_PAGE_MAX + 1}")
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "query.limit"
