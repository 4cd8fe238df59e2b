"""The review worker: follows the active agreement, and finds leads whose engagement may have decayed below their stage's
threshold (an indexed due time, claimed with SKIP LOCKED) and lets the handler re-decide."""

import asyncio
import logging

from lead_runtime import outbox
from lead_runtime.service import Runtime

from .adapters.repository import SqlLeadScores
from .handlers import AGREEMENT_CHECK_SECONDS, ScoringHandlers

log = logging.getLogger(__name__)


def review_worker(rt: Runtime, handlers: ScoringHandlers, interval_seconds: float, batch: int = 200):
    async def run(stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                reviewed = await review_due(rt, handlers, batch)
            except Exception:
                log.exception("decay review failed; retrying")
                reviewed = 0
            if reviewed < batch:
                try:
                    await asyncio.wait_for(stopping.wait(), min(interval_seconds, AGREEMENT_CHECK_SECONDS))
                except TimeoutError:
                    pass

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
