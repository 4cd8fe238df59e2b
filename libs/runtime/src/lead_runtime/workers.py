"""The loop of every background worker, written once: do a round, and sleep only when the round
found less than a full batch; a failing round is logged and retried; stops when told."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def poll(
    round_: Callable[[], Awaitable[int]], stopping: asyncio.Event, interval_seconds: float, batch: int, what: str
) -> None:
    while not stopping.is_set():
        try:
            done = await round_()
        except Exception:
            log.exception("%s failed; retrying", what)
            done = 0
        if done < batch:
            try:
                await asyncio.wait_for(stopping.wait(), interval_seconds)
            except TimeoutError:
                pass
