"""How late the event loop runs: CPU-heavy work that blocks it starves heartbeats and the API.

A task asks to wake every `interval` seconds and measures how much later it actually woke.
"""

import asyncio
import time

from . import metrics

INTERVAL_SECONDS = 0.25


class LoopLag:
    def __init__(self, interval: float = INTERVAL_SECONDS) -> None:
        self.interval = interval
        self.current = 0.0
        self.worst = 0.0  # since start: the benchmark prints it per service

    def observe(self, lag: float) -> None:
        self.current = max(lag, 0.0)
        self.worst = max(self.worst, self.current)
        metrics.EVENT_LOOP_LAG.set(self.current)
        metrics.EVENT_LOOP_LAG_MAX.set(self.worst)

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            asked = time.monotonic()
            await asyncio.sleep(self.interval)
            self.observe(time.monotonic() - asked - self.interval)


class Breather:
    """`await breathe()` between the pieces of a long CPU-bound stretch (a batch of a thousand
    touchpoints through the rules): every `seconds` of holding the loop it lets heartbeats, the
    API and the other consumers run."""

    def __init__(self, seconds: float = 0.02) -> None:
        self._seconds = seconds
        self._since = time.monotonic()

    async def __call__(self) -> None:
        if time.monotonic() - self._since >= self._seconds:
            await asyncio.sleep(0)
            self._since = time.monotonic()
