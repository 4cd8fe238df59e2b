"""A long job over every lead, split over processes by a hash of the lead id.

Each process takes the leads whose id hashes to its part (`Part.sql`), so the parts never overlap
and need no coordination. The job counts what it has done in shared memory; the parent prints
progress with an ETA every few seconds. A rate (units per second, over all processes) throttles
the job so the running services keep their latency while it works beside them.
"""

import asyncio
import multiprocessing
import os
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TextIO, TypeVar

from .cli import tune_garbage_collector

T = TypeVar("T")
REPORT_SECONDS = 2.0


@dataclass(frozen=True)
class Part:
    index: int = 0
    count: int = 1

    def sql(self, column: str = "lead_id") -> str:
        """A condition true for this part's leads only (PostgreSQL's `hashtext`, stable across processes)."""
        if self.count == 1:
            return "TRUE"
        return f"mod(hashtext({column}) & 2147483647, {self.count:d}) = {self.index:d}"


class Progress:
    """What one part has done, seen by the parent; `advance` sleeps when the part runs ahead of its rate."""

    def __init__(self, slot, rate: float | None = None) -> None:
        self._slot, self._rate = slot, rate
        self.done, self._started, self._parent = 0, time.monotonic(), os.getppid()

    async def advance(self, units: int) -> None:
        if os.getppid() != self._parent:  # the command was killed: its parts stop too, at once
            print(f"the process that started this part ({self._parent}) is gone; stopping", file=sys.stderr)
            os._exit(3)  # nobody is left to take a result or an exception (the pool's pipes are gone)
        self.done += units
        self._slot.value = self.done
        if self._rate:
            ahead = self.done / self._rate - (time.monotonic() - self._started)
            if ahead > 0:
                await asyncio.sleep(ahead)


_slots: list = []  # in a worker process: the shared counters, one per part


def _share(slots: list) -> None:
    _slots[:] = slots


def _run_part(work: Callable[[Part, Progress], Awaitable[T]], part: Part, rate: float | None) -> T:
    tune_garbage_collector()  # a replay allocates as a consumer does
    return asyncio.run(work(part, Progress(_slots[part.index], rate)))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


async def run_parts(work: Callable[[Part, Progress], Awaitable[T]], workers: int, *, total: int | None = None,
                    rate: float | None = None, unit: str = "items", out: TextIO = sys.stderr) -> list[T]:
    """`work(part, progress)` once per part, each in a process of its own (even when one: it runs
    as the others do, with the collector tuned, and the caller's loop stays free): its results in
    part order. `work` must be picklable (a module-level function, or a partial of one)."""
    workers = max(workers, 1)
    share = rate / workers if rate else None
    reporter = _Reporter(total, unit, workers, out)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited loop or connections
    slots = [context.Value("q", 0, lock=False) for _ in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_share, initargs=(slots,)) as pool:
        loop = asyncio.get_running_loop()
        futures = [loop.run_in_executor(pool, _run_part, work, Part(i, workers), share) for i in range(workers)]
        return await reporter.watch(futures, lambda: sum(s.value for s in slots))


class _Reporter:
    def __init__(self, total: int | None, unit: str, workers: int, out: TextIO) -> None:
        self.total, self.unit, self.workers, self.out = total, unit, workers, out

    async def watch(self, futures: list, done: Callable[[], int]):
        started = time.monotonic()
        gathered = asyncio.gather(*futures)
        while True:
            try:
                results = await asyncio.wait_for(asyncio.shield(gathered), REPORT_SECONDS)
                break
            except TimeoutError:
                self._line(done(), time.monotonic() - started)
        self._line(done(), time.monotonic() - started, final=True)
        return results

    def _line(self, done: int, seconds: float, final: bool = False) -> None:
        if not done and not final:
            print(f"    starting {self.workers} process{'es' if self.workers > 1 else ''} ({seconds:.0f} s)",
                  file=self.out, flush=True)
            return
        rate = done / seconds if seconds > 0 else 0.0
        text = f"{done:,} {self.unit}"
        if self.total:
            text += f" of about {self.total:,} ({min(done / self.total, 1):.0%})"
        text += f", {rate:,.0f}/s over {self.workers} process{'es' if self.workers > 1 else ''}"
        if final:
            text += f", {seconds:.1f} s"
        elif self.total and rate > 0:
            text += f", about {max(self.total - done, 0) / rate:.0f} s left"
        print(f"    {text}", file=self.out, flush=True)
