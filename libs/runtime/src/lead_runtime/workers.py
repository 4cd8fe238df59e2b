"""The loop of every background worker, written once: do a round, and sleep only when the round
found less than a full batch; a failing round is logged and retried; stops when told. A worker
with a `wake` event starts its next round as soon as it is set (a consumer committed work for
it), so its poll interval bounds only the latency of work nobody announced."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def poll(
    round_: Callable[[], Awaitable[int]], stopping: asyncio.Event, interval_seconds: float, batch: int, what: str,
    wake: asyncio.Event | None = None,
) -> None:
    while not stopping.is_set():
        if wake is not None:
            wake.clear()  # before the round: what is announced during it makes another round
        try:
            done = await round_()
        except Exception:
            log.exception("%s failed; retrying", what)
            done = 0
        if done < batch:
            await _sleep(stopping, interval_seconds, wake)


async def _sleep(stopping: asyncio.Event, seconds: float, wake: asyncio.Event | None) -> None:
    waits = [asyncio.ensure_future(stopping.wait())] + ([asyncio.ensure_future(wake.wait())] if wake else [])
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
