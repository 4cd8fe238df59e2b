"""`serve api` and `serve worker` of every service against the real broker and database: the API
runs its routes and outbox relay but no consumer and no worker, the worker runs the consumers,
relay and workers behind /healthz, /readyz and /metrics only; side by side they do what `serve` does."""

import contextlib
import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from lead_events import topics
from lead_runtime.service import Runtime
from lead_runtime.settings import HttpSettings

from tests.builders import a_contact, a_recorded
from tests.kafka_tools import eventually, produce

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
ALWAYS = {"event-loop-lag", "outbox-relay"}
# what each service's worker process runs besides ALWAYS (no CRM or email URL: no HTTP push;
# "purge": the old processed event ids every consumer forgets)
WORKER_TASKS = {
    "ingest": {"webhook-purge"},
    "scoring": {"consumer-scoring", "lag-monitor", "decay-review", "purge"},
    "nurture": {"consumer-nurture", "lag-monitor", "due_steps", "purge"},
    "handoff": {"consumer-handoff", "lag-monitor", "sla_watch", "purge"},
    "reporting": {"consumer-reporting", "lag-monitor", "purge"},
}
API_TASKS = {"scoring": {"agreement-follow"}}  # the routes score by the active agreement


def make_apps(name: str, database, kafka, **modes: str) -> dict:
    settings = importlib.import_module(f"{name}.settings").Settings(
        database=database, kafka=kafka, http=HttpSettings(port=0), config_dir=ROOT / "config"
    )
    make_app = importlib.import_module(f"{name}.bootstrap").make_app
    return {mode: make_app(settings, mode=mode) for mode in modes.values()}


@contextlib.asynccontextmanager
async def serving(app) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
            yield app.state.runtime, client


@pytest.mark.parametrize("name", list(WORKER_TASKS))
async def test_the_api_runs_no_consumer_and_the_worker_no_business_route(name, fresh_database, kafka_settings):
    apps = make_apps(name, await fresh_database(name), kafka_settings, api="api", worker="worker")
    async with serving(apps["api"]) as (api, api_http), serving(apps["worker"]) as (worker, worker_http):
        assert {t.get_name() for t in api.tasks} == ALWAYS | API_TASKS.get(name, set())
        assert api.consumers == [] and api.lag is None
        assert {t.get_name() for t in worker.tasks} == ALWAYS | WORKER_TASKS[name]

        ready = await api_http.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert "consumers" not in ready.json()["checks"]
        paths = set((await api_http.get("/openapi.json")).json()["paths"])
        assert any(p.startswith("/v1/") or p == "/" for p in paths), paths

        ready = await eventually(lambda: _ready(worker_http))
        assert ("consumers" in ready["checks"]) == (name != "ingest")
        assert (await worker_http.get("/metrics")).status_code == 200
        assert (await worker_http.get("/openapi.json")).status_code == 404
        for path in paths - {"/healthz", "/readyz", "/metrics"}:
            if "{" not in path:
                assert (await worker_http.get(path)).status_code == 404, path


async def test_a_touchpoint_consumed_by_the_scoring_worker_is_served_by_the_scoring_api(fresh_database, kafka_settings):
    apps = make_apps("scoring", await fresh_database("scoring"), kafka_settings, api="api", worker="worker")
    contact = a_contact()
    touchpoint = a_recorded("contact_requested", contact)
    async with serving(apps["api"]) as (_, api_http), serving(apps["worker"]):
        await produce(kafka_settings, topics.TOUCHPOINTS, touchpoint)
        lead = await eventually(lambda: _lead(api_http, touchpoint.lead_id))
    assert lead["stage"] == "sales_ready" and lead["touchpoints"] == 1


async def _ready(client: httpx.AsyncClient) -> dict | None:
    answer = await client.get("/readyz")
    return answer.json() if answer.status_code == 200 else None


async def _lead(client: httpx.AsyncClient, lead_id: str) -> dict | None:
    answer = await client.get(f"/v1/leads/{lead_id}")
    return answer.json() if answer.status_code == 200 else None
