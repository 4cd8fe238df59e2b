"""The review worker: follows the active agreement, and finds leads whose engagement may have decayed below their stage's
threshold (an indexed due time, claimed with SKIP LOCKED) and lets the handler re-decide. The agreement worker only
follows the agreement, for a process that serves the routes and consumes nothing (`serve api`)."""

import asyncio

from lead_runtime import outbox
from lead_runtime.service import Runtime
from lead_runtime.workers import poll

from .adapters.repository import SqlLeadScores
from .handlers import AGREEMENT_CHECK_SECONDS, ScoringHandlers


def review_worker(rt: Runtime, handlers: ScoringHandlers, interval_seconds: float, batch: int = 200):
    async def run(stopping: asyncio.Event) -> None:
        # follows the agreement every few seconds even when the review interval is longer
        interval = min(interval_seconds, AGREEMENT_CHECK_SECONDS)
        await poll(lambda: review_due(rt, handlers, batch), stopping, interval, batch, "decay review")

    run.__name__ = "decay-review"
    return run


async def review_due(rt: Runtime, handlers: ScoringHandlers, batch: int) -> int:
    async with rt.sessions() as session, session.begin():
        await handlers.follow_active_agreement(session)  # even when no touchpoint arrives
        due = await SqlLeadScores(session).due_for_review(handlers.clock(), batch)
        for lead_id in due:
            for topic, event in await handlers.review(session, lead_id):
                await outbox.add_event(session, topic, event)
    if due:
        rt.relay.wake()
    return len(due)


def agreement_worker(rt: Runtime, handlers: ScoringHandlers):
    async def run(stopping: asyncio.Event) -> None:
        await poll(lambda: follow_agreement(rt, handlers), stopping, AGREEMENT_CHECK_SECONDS, 1, "agreement check")

    run.__name__ = "agreement-follow"
    return run


async def follow_agreement(rt: Runtime, handlers: ScoringHandlers) -> int:
    async with rt.sessions() as session, session.begin():
        await handlers.follow_active_agreement(session)
    return 0
