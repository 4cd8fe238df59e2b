"""`serve [all|api|worker]`: which routes each mode serves, and what the command line accepts."""

import httpx
import pytest
from fastapi import APIRouter
from lead_runtime.cli import parse_args
from lead_runtime.service import create_app
from lead_runtime.settings import HttpSettings, KafkaSettings, ServiceSettings


async def _status(mode: str, path: str) -> int:
    router = APIRouter()

    @router.get("/v1/leads/{lead_id}")
    async def get_lead(lead_id: str) -> dict:
        return {"lead_id": lead_id}

    settings = ServiceSettings(kafka=KafkaSettings(bootstrap_servers="x:1"), http=HttpSettings(port=1))
    app = create_app(name="t", settings=settings, database=None, build=None, routers=[router], mode=mode)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return (await client.get(path)).status_code


def test_serve_without_a_mode_runs_everything():
    assert parse_args("scoring", ["serve"]).mode == "all"


@pytest.mark.parametrize("mode", ["all", "api", "worker"])
def test_serve_takes_each_mode(mode):
    assert parse_args("scoring", ["serve", mode]).mode == mode


def test_an_unknown_mode_and_a_mode_for_migrate_are_refused():
    with pytest.raises(SystemExit):
        parse_args("scoring", ["serve", "consumer"])
    with pytest.raises(SystemExit):
        parse_args("scoring", ["migrate", "worker"])


@pytest.mark.parametrize("mode", ["all", "api"])
async def test_all_and_api_serve_the_business_routes(mode):
    assert await _status(mode, "/v1/leads/l-1") == 200
    assert await _status(mode, "/openapi.json") == 200
    assert await _status(mode, "/healthz") == 200


async def test_a_worker_serves_health_and_metrics_and_no_business_route():
    assert await _status("worker", "/healthz") == 200
    assert await _status("worker", "/metrics") == 200
    assert await _status("worker", "/v1/leads/l-1") == 404
    assert await _status("worker", "/openapi.json") == 404
    assert await _status("worker", "/docs") == 404
