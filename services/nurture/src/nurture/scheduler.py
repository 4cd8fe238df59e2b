"""The due-steps worker: sends steps that became due with time alone (a journey's wait, a
response window, a contact limit, quiet hours), which no incoming event would trigger.

Each pass claims a batch of leads through the index on `next_due_at` with SKIP LOCKED and, in
the same transaction, records their steps, writes the events to the outbox and moves
`next_due_at` on. A crash before the commit leaves nothing behind; after it, nothing is due
twice. So every step is sent exactly once across restarts, with any number of workers.
"""

import asyncio
import logging
from collections.abc import Callable

from lead_runtime import outbox
from lead_runtime.logs import fields
from lead_runtime.service import Worker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .handlers import NurtureHandlers

log = logging.getLogger(__name__)
BATCH = 500


async def send_due_steps(
    sessions: async_sessionmaker[AsyncSession], handlers: NurtureHandlers, limit: int = BATCH
) -> tuple[int, int]:
    """One pass in one transaction: (leads looked at, steps sent). Nothing while paused: the
    due leads stay due and go out once nurturing resumes."""
    async with sessions() as session, session.begin():
        repo = handlers.repository(session)
        if await handlers.paused(repo):
            return 0, 0
        now = handlers.clock()
        due = await repo.due(now, limit)
        published = await handlers.decide_many(repo, due, now) if due else []
        for topic, event in published:
            await outbox.add_event(session, topic, event)
    return len(due), len(published)


def make_due_steps_worker(
    sessions: async_sessionmaker[AsyncSession],
    handlers: NurtureHandlers,
    wake_relay: Callable[[], None],
    interval_seconds: float,
    batch: int = BATCH,
) -> Worker:
    async def due_steps(stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            looked_at = 0
            try:
                looked_at, sent = await send_due_steps(sessions, handlers, batch)
                if sent:
                    wake_relay()
                    log.info("sent due nurture steps", extra=fields(steps=sent))
            except Exception:
                log.exception("due-steps pass failed; trying again later")
            if looked_at < batch:  # a full batch means more are waiting: go on at once
                try:
                    await asyncio.wait_for(stopping.wait(), interval_seconds)
                except TimeoutError:
                    pass

    return due_steps
