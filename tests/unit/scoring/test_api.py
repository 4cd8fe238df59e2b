"""Scoring's routes refuse what PostgreSQL cannot take with a 422 problem, before any query runs."""

import httpx
from fastapi import FastAPI
from lead_runtime.problems import install_problem_handlers
from lead_runtime.service import get_runtime, get_session

from scoring.api import MAX_OFFSET, router


async def _get(url: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(router)
    install_problem_handlers(app)
    app.dependency_overrides[get_session] = app.dependency_overrides[get_runtime] = lambda: None  # never reached
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get(url)


async def test_an_offset_beyond_postgresqls_bigint_is_refused_not_a_server_error():
    answer = await _get(f"/v1/leads?offset={MAX_OFFSET + 1}")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "query.offset"
