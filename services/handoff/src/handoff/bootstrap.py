"""Wiring: settings and agreement in, consumers, the CRM push worker and routes out."""

import asyncio
from functools import partial

import httpx
from fastapi import FastAPI
from lead_events import topics
from lead_runtime.consumer import Subscription
from lead_runtime.group import Outcome
from lead_runtime.service import Mode, Runtime, ServiceParts, create_app

from .adapters.crm_client import HttpCrmClient
from .agreement import load_policy
from .api import router
from .crm_push import CrmPush, make_http_client
from .erasure import on_erasure_requested
from .domain.policy import HandoffPolicy
from .domain.routing import RoutingRules
from .routing_config import load_routing
from .handlers import Clock, on_crm_feedback, on_lead_stage_changed, utc_now
from .settings import Settings
from .sla_watch import SlaWatch


def build(
    runtime: Runtime,
    policy: HandoffPolicy | None = None,
    rules: RoutingRules | None = None,
    clock: Clock = utc_now,
    http_client: httpx.AsyncClient | None = None,
) -> ServiceParts:
    settings: Settings = runtime.settings  # type: ignore[assignment]
    crm = settings.crm
    policy = policy or load_policy(settings.config_dir, crm.max_attempts)
    rules = rules or load_routing(settings.config_dir)
    push = crm.url is not None
    subscription = Subscription(
        group_id="handoff",
        topics=[topics.LEAD_LIFECYCLE, topics.CRM_FEEDBACK, topics.PRIVACY_ERASURES],
        handlers={
            "lead.stage_changed": partial(
                on_lead_stage_changed, policy=policy, clock=clock, push=push, rules=rules
            ),
            "crm.feedback_received": partial(on_crm_feedback, policy=policy, clock=clock),
            "privacy.erasure_requested": partial(on_erasure_requested, clock=clock),
        },
    )
    watch = SlaWatch(runtime.sessions, policy, rules, clock, runtime.relay.wake,
                     settings.sla.poll_interval_seconds, settings.sla.batch_size)

    async def sla_watch(stopping: asyncio.Event) -> None:
        await watch.run(stopping)

    workers = [sla_watch]
    on_commit = []
    if push:
        # Created here, closed by the worker on its way out (after the last push).
        client = http_client or make_http_client()
        owned = http_client is None
        pusher = CrmPush(
            runtime.sessions,
            HttpCrmClient(client, crm.url, crm.timeout_seconds, crm.method,
                          crm.token.get_secret_value() if crm.token else None),
            crm,
            policy,
            clock,
            on_close=client.aclose if owned else None,
        )

        async def crm_push(stopping: asyncio.Event) -> None:
            await pusher.run(stopping)

        workers.append(crm_push)
        on_commit.append(partial(_wake_on_handoffs, pusher))
    return ServiceParts(
        subscriptions=[subscription],
        workers=workers,
        on_commit=on_commit,
        state={"policy": policy, "clock": clock, "rules": rules},
    )


def _wake_on_handoffs(pusher: CrmPush, outcomes: list[Outcome]) -> None:
    """A batch that handed leads off: push them now rather than at the next poll."""
    if any(row.topic == topics.HANDOFF_LEADS for o in outcomes for row in o.rows):
        pusher.wake()


def make_app(settings: Settings, mode: Mode = "all", **overrides: object) -> FastAPI:
    # Loaded here so an invalid agreement file stops the process before it serves anything.
    policy = load_policy(settings.config_dir, settings.crm.max_attempts)
    rules = load_routing(settings.config_dir)
    return create_app(
        name="handoff",
        settings=settings,
        database=settings.database,
        build=partial(build, policy=policy, rules=rules, **overrides),
        routers=[router],
        mode=mode,
    )
