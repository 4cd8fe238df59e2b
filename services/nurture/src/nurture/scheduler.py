"""The due-steps worker: sends steps that became due with time alone (a response window
ran out, a contact limit passed), which no incoming event would trigger."""

import asyncio
import logging
from collections.abc import Callable

from lead_runtime import outbox
from lead_runtime.logs import fields
from lead_runtime.service import Worker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .handlers import NurtureHandlers

log = logging.getLogger(__name__)
BATCH = 100


async def send_due_steps(
    sessions: async_sessionmaker[AsyncSession], handlers: NurtureHandlers, limit: int = BATCH
) -> tuple[int, int]:
    """One pass in one transaction: (leads looked at, steps sent)."""
    async with sessions() as session, session.begin():
        repo = handlers.repository(session)
        now = handlers.clock()
        due = await repo.due(now, limit)
        sent = 0
        for lead in due:
            for topic, event in await handlers.decide(repo, lead, now, cause=None):
                await outbox.add_event(session, topic, event)
                sent += 1
    return len(due), sent


def make_due_steps_worker(
    sessions: async_sessionmaker[AsyncSession],
    handlers: NurtureHandlers,
    wake_relay: Callable[[], None],
    interval_seconds: float,
) -> Worker:
    async def due_steps(stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            looked_at = 0
            try:
                looked_at, sent = await send_due_steps(sessions, handlers)
                if sent:
                    wake_relay()
                    log.info("sent due nurture steps", extra=fields(steps=sent))
            except Exception:
                log.exception("due-steps pass failed; trying again later")
            if looked_at < BATCH:  # a full batch means more are waiting: go on at once
                try:
                    await asyncio.wait_for(stopping.wait(), interval_seconds)
                except TimeoutError:
                    pass

    return due_steps
