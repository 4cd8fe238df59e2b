"""Wiring: Settings (+ overrides) -> handlers, consumers and the app."""

from datetime import timedelta

from fastapi import FastAPI
from lead_events import topics
from lead_runtime.config import load_model
from lead_runtime.consumer import Subscription
from lead_runtime.group import Batch
from lead_runtime.retention import Purge, table_purge
from lead_runtime.service import Mode, Runtime, ServiceParts, create_app

from .api import router
from .erasure import on_erasure_requested
from .domain.policy import ScoringPolicy
from .handlers import Clock, ScoringHandlers
from .review import agreement_worker, review_worker
from .settings import Settings


def load_policy(settings: Settings) -> ScoringPolicy:
    return load_model(settings.config_dir / "agreement.yaml", ScoringPolicy)


def retention_purges(sessions, retention_days: float | None) -> list[Purge]:
    """SCORING_RETENTION_DAYS: touchpoints and score lines that happened before the cutoff, each
    cutoff recorded first (a replay starts from what the profile says was said before it)."""
    if retention_days is None:
        return []
    retention = timedelta(days=retention_days)
    return [table_purge(sessions, table, "occurred_at", retention, marked=True) for table in ("touchpoints", "score_changes")]


def make_app(settings: Settings, clock: Clock | None = None, mode: Mode = "all") -> FastAPI:
    policy = load_policy(settings)  # an invalid agreement stops the service here, naming the line
    source = str(settings.config_dir / "agreement.yaml")
    handlers = ScoringHandlers(policy, clock, source) if clock else ScoringHandlers(policy, source=source)

    def build(rt: Runtime) -> ServiceParts:
        subscription = Subscription(
            group_id="scoring",
            topics=[topics.TOUCHPOINTS, topics.LEAD_LIFECYCLE, topics.PRIVACY_ERASURES],
            handlers={
                "touchpoint.recorded": Batch(handlers.on_touchpoints),
                "lead.stage_changed": handlers.on_stage_changed,
                "privacy.erasure_requested": on_erasure_requested,
            },
        )
        workers = [review_worker(rt, handlers, settings.review_interval_seconds)]
        return ServiceParts(subscriptions=[subscription], workers=workers, api_workers=[agreement_worker(rt, handlers)],
                            state={"handlers": handlers}, purges=retention_purges(rt.sessions, settings.retention_days))

    return create_app(name="scoring", settings=settings, database=settings.database, build=build, routers=[router],
                      mode=mode)
