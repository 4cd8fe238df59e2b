"""Wiring: Settings (+ overrides) -> handlers, consumer, due-steps worker and the app."""

import asyncio
from functools import partial

import httpx

from fastapi import FastAPI
from lead_events import LeadStageChanged, PrivacyErasureRequested, TouchpointRecorded, topics
from lead_runtime.consumer import Subscription
from lead_runtime.group import Batch
from lead_runtime.service import Mode, Runtime, ServiceParts, Worker, create_app

from .agreement import load_catalogue
from .adapters.email_client import HttpEmailClient
from .admin import router as admin_router
from .api import router
from .delivery import EmailPush
from .domain import Catalogue
from .erasure import on_erasure_requested
from .handlers import NurtureHandlers, utc_now
from .ports import Clock
from .scheduler import make_due_steps_worker
from .settings import Settings

GROUP_ID = "nurture"


def build(runtime: Runtime, catalogue: Catalogue | None = None, clock: Clock | None = None) -> ServiceParts:
    settings: Settings = runtime.settings  # type: ignore[assignment]
    catalogue = catalogue or load_catalogue(settings.config_dir)
    push = settings.email.url is not None
    handlers = NurtureHandlers(catalogue, clock or utc_now, push=push)
    subscription = Subscription(
        group_id=GROUP_ID,
        topics=[topics.LEAD_LIFECYCLE, topics.TOUCHPOINTS, topics.PRIVACY_ERASURES],
        handlers={
            LeadStageChanged.EVENT_TYPE: Batch(handlers.on_stage_changes),
            TouchpointRecorded.EVENT_TYPE: Batch(handlers.on_touchpoints),
            PrivacyErasureRequested.EVENT_TYPE: partial(on_erasure_requested, clock=handlers.clock),
        },
    )
    workers = [make_due_steps_worker(
        runtime.sessions, handlers, runtime.relay.wake, settings.due_check_seconds, settings.due_batch_size
    )]
    if push:
        workers.append(_email_push(runtime, settings, handlers))
    return ServiceParts(
        subscriptions=[subscription],
        workers=workers,
        state={"catalogue": catalogue, "clock": handlers.clock, "handlers": handlers},
    )


def make_app(
    settings: Settings,
    *,
    catalogue: Catalogue | None = None,
    clock: Clock | None = None,
    mode: Mode = "all",
) -> FastAPI:
    # Loaded here, before anything starts: an invalid file stops the service, naming the line.
    catalogue = catalogue or load_catalogue(settings.config_dir)
    return create_app(
        name="nurture",
        settings=settings,
        database=settings.database,
        build=partial(build, catalogue=catalogue, clock=clock),
        routers=[router, admin_router],
        mode=mode,
    )


def _email_push(runtime: Runtime, settings: Settings, handlers: NurtureHandlers) -> Worker:
    async def email_push(stopping: asyncio.Event) -> None:
        async with httpx.AsyncClient(follow_redirects=False) as client:
            email = HttpEmailClient(client, settings.email.url, settings.email.timeout_seconds)
            await EmailPush(runtime.sessions, email, settings.email, handlers).run(stopping)

    return email_push
