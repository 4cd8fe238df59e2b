"""Wiring: Settings -> the read model's consumer and the app."""

from fastapi import FastAPI
from lead_events import topics
from lead_runtime.consumer import Subscription
from lead_runtime.group import Batch
from lead_runtime.service import Mode, Runtime, ServiceParts, create_app

from . import handlers
from .api import router
from .settings import Settings


def make_app(settings: Settings, mode: Mode = "all") -> FastAPI:
    def build(_: Runtime) -> ServiceParts:
        subscription = Subscription(
            group_id="reporting",
            topics=[
                topics.LEAD_LIFECYCLE, topics.TOUCHPOINTS, topics.HANDOFF_LEADS, topics.CRM_FEEDBACK,
                topics.PRIVACY_ERASURES,
            ],
            handlers={
                "lead.stage_changed": Batch(handlers.on_stage_changes),
                "touchpoint.recorded": Batch(handlers.on_touchpoints),
                "lead.handed_off": handlers.on_handed_off,
                "crm.feedback_received": handlers.on_feedback,
                "privacy.erasure_requested": handlers.on_erasure_requested,
            },
        )
        return ServiceParts(subscriptions=[subscription])

    return create_app(name="reporting", settings=settings, database=settings.database, build=build, routers=[router],
                      mode=mode)
