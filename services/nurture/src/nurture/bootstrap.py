"""Wiring: Settings (+ overrides) -> handlers, consumer, due-steps worker and the app."""

from functools import partial

from fastapi import FastAPI
from lead_events import LeadStageChanged, TouchpointRecorded, topics
from lead_runtime.consumer import Subscription
from lead_runtime.service import Runtime, ServiceParts, create_app

from .agreement import load_catalogue
from .api import router
from .domain import Catalogue
from .handlers import NurtureHandlers, utc_now
from .ports import Clock
from .scheduler import make_due_steps_worker
from .settings import Settings

GROUP_ID = "nurture"


def build(runtime: Runtime, catalogue: Catalogue | None = None, clock: Clock | None = None) -> ServiceParts:
    settings: Settings = runtime.settings  # type: ignore[assignment]
    catalogue = catalogue or load_catalogue(settings.config_dir)
    handlers = NurtureHandlers(catalogue, clock or utc_now)
    subscription = Subscription(
        group_id=GROUP_ID,
        topics=[topics.LEAD_LIFECYCLE, topics.TOUCHPOINTS],
        handlers={
            LeadStageChanged.EVENT_TYPE: handlers.on_lead_stage_changed,
            TouchpointRecorded.EVENT_TYPE: handlers.on_touchpoint_recorded,
        },
    )
    worker = make_due_steps_worker(
        runtime.sessions, handlers, runtime.relay.wake, settings.due_check_seconds
    )
    return ServiceParts(
        subscriptions=[subscription],
        workers=[worker],
        state={"catalogue": catalogue, "clock": handlers.clock},
    )


def make_app(
    settings: Settings,
    *,
    catalogue: Catalogue | None = None,
    clock: Clock | None = None,
    run_background: bool = True,
) -> FastAPI:
    # Loaded here, before anything starts: an invalid file stops the service, naming the line.
    catalogue = catalogue or load_catalogue(settings.config_dir)
    return create_app(
        name="nurture",
        settings=settings,
        database=settings.database,
        build=partial(build, catalogue=catalogue, clock=clock),
        routers=[router],
        run_background=run_background,
    )
