"""A service's process: the HTTP API, its consumers, outbox relay and workers, all of them or a part.

`create_app` builds the FastAPI app; its lifespan opens the database, the Kafka producer and
the background tasks, and closes them in order on shutdown (SIGTERM: the current batch
finishes and commits, the outbox drains, then the process exits).

The mode says what the process runs (`python -m <svc> serve [all|api|worker]`):
- `all` (the default, for laptops and tests): everything in one process;
- `api`: the routes, the outbox relay (routes write to the outbox; relays take turns, so any
  number is safe) and the service's `api_workers`; no consumers, no other workers;
- `worker`: the consumers, the outbox relay and the workers (with the purge of old rows),
  behind an HTTP server that answers only /healthz, /readyz and /metrics.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from .edge import Edge
from .consumer import ConsumerLoop, Subscription
from .group import Outcome
from .db import make_engine, make_sessionmaker
from .kafka import KafkaEventPublisher, make_producer
from .lag_monitor import LagMonitor
from .loop_lag import LoopLag
from .outbox import OutboxRelay
from .problems import install_problem_handlers
from .retention import Purge, processed_events_purge, purge_worker
from .settings import DatabaseSettings, ServiceSettings

log = logging.getLogger(__name__)

Worker = Callable[[asyncio.Event], Awaitable[None]]
Mode = Literal["all", "api", "worker"]
MODES: tuple[Mode, ...] = ("all", "api", "worker")


@dataclass
class ServiceParts:
    """What a service adds to the plumbing: consumed topics, background workers, shared state."""

    subscriptions: list[Subscription] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    # keep what the routes read current (scoring's active agreement): run wherever routes are served
    api_workers: list[Worker] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    # called after each consumer commit with what the batch did, to wake the workers it concerns
    on_commit: list[Callable[[list[Outcome]], None]] = field(default_factory=list)
    # old rows to forget (a service's retention_days), run by the worker that purges old processed
    # event ids, wherever the consumers run
    purges: list[Purge] = field(default_factory=list)


@dataclass
class Runtime:
    name: str
    settings: ServiceSettings
    producer: AIOKafkaProducer
    publisher: KafkaEventPublisher
    engine: AsyncEngine | None = None
    sessions: async_sessionmaker[AsyncSession] | None = None
    relay: OutboxRelay | None = None
    consumers: list[ConsumerLoop] = field(default_factory=list)
    parts: ServiceParts = field(default_factory=ServiceParts)
    tasks: list[asyncio.Task] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    lag: LagMonitor | None = None
    loop_lag: LoopLag = field(default_factory=LoopLag)

    async def readiness(self) -> dict[str, bool]:
        checks: dict[str, bool] = {}
        if self.engine is not None:
            try:
                async with self.engine.connect() as conn:
                    await asyncio.wait_for(conn.execute(text("SELECT 1")), 2)
                checks["database"] = True
            except Exception:
                checks["database"] = False
        checks["kafka"] = await self._kafka_answers()
        checks["workers"] = all(not t.done() for t in self.tasks)
        checks["event_loop"] = self.loop_lag.current < self.settings.stall_seconds
        if self.consumers:  # an API process runs none, and is not judged by them
            checks["consumers"] = all(self._consumer_progresses(c) for c in self.consumers)
        if self.relay is not None:
            checks["outbox"] = self.relay.healthy
        return checks

    async def _kafka_answers(self) -> bool:
        # a real metadata round trip: cached broker metadata survives the broker going away
        try:
            await asyncio.wait_for(self.producer.client.fetch_all_metadata(), 3)
            return True
        except Exception:
            return False

    def stuck(self) -> list[str]:
        """What keeps this process from working at all: its event loop held past `stall_seconds`,
        or a consumer that has not polled, processed or retried for three times that (a broker
        or database outage keeps it retrying: not stuck, only not ready)."""
        stall, now = self.settings.stall_seconds, time.monotonic()
        found = [f"event loop held {self.loop_lag.current:.1f} s"] if self.loop_lag.current >= stall else []
        found += [f"consumer {c.group_id} did nothing for {now - c.alive_at:.0f} s"
                  for c in self.consumers if now - c.alive_at >= 3 * stall]
        return found

    def _consumer_progresses(self, loop: ConsumerLoop) -> bool:
        """Polling recently, and not sitting on waiting messages without committing."""
        stall = self.settings.stall_seconds
        if time.monotonic() - loop.last_progress >= stall:
            return False
        if self.lag is None or loop.consumer is None:
            return True
        group = self.settings.kafka.topic_prefix + loop.group_id
        return not self.lag.stalled(group, set(loop.consumer.assignment()))


Build = Callable[[Runtime], ServiceParts]


async def start_runtime(
    name: str, settings: ServiceSettings, database: DatabaseSettings | None, build: Build, mode: Mode = "all"
) -> Runtime:
    producer = make_producer(settings.kafka)
    await producer.start()
    rt = Runtime(name, settings, producer, KafkaEventPublisher(producer, settings.kafka))
    if database is not None:
        rt.engine = make_engine(database)
        rt.sessions = make_sessionmaker(rt.engine)
        rt.relay = OutboxRelay(rt.sessions, producer, settings.kafka)
    rt.parts = build(rt)
    _start(rt, "event-loop-lag", rt.loop_lag.run)
    if rt.relay is not None:
        _start(rt, "outbox-relay", rt.relay.run)
    if mode != "worker":
        for worker in rt.parts.api_workers:
            _start(rt, getattr(worker, "__name__", "api-worker"), worker)
    if mode != "api":
        _start_consumers(rt)
        for worker in rt.parts.workers:
            _start(rt, getattr(worker, "__name__", "worker"), worker)
        if purges := _purges(rt):
            _start(rt, "purge", purge_worker("purge", purges, settings.purge_interval_seconds))
    return rt


def _purges(rt: Runtime) -> list[Purge]:
    """A consuming service forgets the ids of events it applied longer ago than its
    `dedup_retention_days`, and what its own retention settings name."""
    dedup = rt.parts.subscriptions and rt.sessions is not None
    return ([processed_events_purge(rt.sessions, rt.settings.dedup_retention_days)] if dedup else []) + rt.parts.purges


def _start(rt: Runtime, name: str, run: Worker) -> None:
    rt.tasks.append(asyncio.create_task(run(rt.stopping), name=name))


def _start_consumers(rt: Runtime) -> None:
    settings = rt.settings
    for sub in rt.parts.subscriptions:
        loop = ConsumerLoop(sub, rt.sessions, settings.kafka, _after_commit(rt), settings.consumer_batch_size,
                            settings.consumer_fetch, settings.handler_budget_seconds)
        rt.consumers.append(loop)
        _start(rt, f"consumer-{sub.group_id}", loop.run)
    if rt.consumers:
        kafka = settings.kafka
        groups = {kafka.topic_prefix + s.group_id: [kafka.topic(t) for t in s.topics] for s in rt.parts.subscriptions}
        rt.lag = LagMonitor(kafka.bootstrap_servers, groups, settings.lag_interval_seconds, settings.stall_seconds)
        _start(rt, "lag-monitor", rt.lag.run)


def _after_commit(rt: Runtime) -> Callable[[list[Outcome]], None]:
    """The outbox relay publishes what the batch wrote; the service's workers look for new work."""
    def wake(outcomes: list[Outcome]) -> None:
        if any(o.rows for o in outcomes):
            rt.relay.wake()
        for wake_worker in rt.parts.on_commit:
            wake_worker(outcomes)
    return wake


async def stop_runtime(rt: Runtime) -> None:
    rt.stopping.set()
    consumers_and_workers = [t for t in rt.tasks if t.get_name() != "outbox-relay"]
    await asyncio.gather(*consumers_and_workers, return_exceptions=True)
    if rt.relay is not None:
        rt.relay.wake()
    await asyncio.gather(*rt.tasks, return_exceptions=True)
    await rt.producer.stop()
    if rt.engine is not None:
        await rt.engine.dispose()


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).sessions() as session:
        yield session


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


def _health_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        """Liveness: 503 only when the process is stuck (a restart is then the last resort; the
        handler budget is meant to keep it from coming to that)."""
        rt = getattr(request.app.state, "runtime", None)  # None while starting: alive, not ready
        stuck = rt.stuck() if rt is not None else []
        if stuck:
            return JSONResponse({"status": "stuck", "stuck": stuck}, status_code=503)
        return JSONResponse({"status": "ok"})

    @router.get("/readyz")
    async def readyz(rt: RuntimeDep) -> JSONResponse:
        checks = await rt.readiness()
        ready = all(checks.values())
        body = {"ready": ready, "checks": checks}
        if rt.lag is not None:
            body["consumer_groups"] = rt.lag.statuses()
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def prometheus() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def create_app(
    *,
    name: str,
    settings: ServiceSettings,
    database: DatabaseSettings | None,
    build: Build,
    routers: list[APIRouter],
    mode: Mode = "all",
    own_body_limit: tuple[str, ...] = (),
) -> FastAPI:
    """`mode`: what the process runs (see the module's docstring); a worker serves none of `routers`.
    `own_body_limit`: path prefixes whose routes read the body themselves and refuse an
    oversized one their own way (ingest keeps what it refuses); others get a plain 413."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = await start_runtime(name, settings, database, build, mode)
        log.info("started", extra={"fields": {"port": settings.http.port, "mode": mode}})
        try:
            yield
        finally:
            await stop_runtime(app.state.runtime)
            log.info("stopped")

    worker = mode == "worker"
    app = FastAPI(title=f"leadflow {name}", lifespan=lifespan, openapi_url=None if worker else "/openapi.json")
    install_problem_handlers(app)

    app.add_middleware(Edge, limit=settings.http.max_body_bytes, own_body_limit=own_body_limit)

    app.include_router(_health_router())
    for router in [] if worker else routers:
        app.include_router(router)
    return app
