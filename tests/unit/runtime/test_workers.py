import asyncio
import time

from lead_runtime.workers import poll


async def test_a_woken_worker_runs_its_next_round_at_once_not_after_its_interval():
    rounds: list[float] = []
    stopping, wake = asyncio.Event(), asyncio.Event()

    async def round_() -> int:
        rounds.append(time.monotonic())
        return 0

    task = asyncio.create_task(poll(round_, stopping, 30.0, 10, "test", wake))
    await asyncio.sleep(0.05)
    wake.set()
    await asyncio.sleep(0.05)
    stopping.set()
    await asyncio.wait_for(task, 1)
    assert len(rounds) == 2 and rounds[1] - rounds[0] < 1  # not 30 s later
