"""Wiring: Settings -> the read model's consumer and the app."""

from datetime import timedelta

from fastapi import FastAPI
from lead_events import topics
from lead_runtime.consumer import Subscription
from lead_runtime.group import Batch
from lead_runtime.retention import Purge, table_purge
from lead_runtime.service import Mode, Runtime, ServiceParts, create_app

from . import handlers
from .api import router
from .settings import Settings


def retention_purges(sessions, retention_days: float | None) -> list[Purge]:
    """REPORTING_RETENTION_DAYS: touches before the cutoff, the cutoff recorded first (attribution
    says when its period starts before it). Stage events, handoffs and the rollups stay."""
    if retention_days is None:
        return []
    return [table_purge(sessions, "touches", "at", timedelta(days=retention_days), marked=True)]


def make_app(settings: Settings, mode: Mode = "all") -> FastAPI:
    def build(rt: Runtime) -> ServiceParts:
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
        return ServiceParts(subscriptions=[subscription], purges=retention_purges(rt.sessions, settings.retention_days))

    return create_app(name="reporting", settings=settings, database=settings.database, build=build, routers=[router],
                      mode=mode)
