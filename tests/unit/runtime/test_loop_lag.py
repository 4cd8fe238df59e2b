import asyncio
import time

from lead_runtime import metrics
from lead_runtime.loop_lag import LoopLag


async def test_a_blocked_event_loop_shows_as_lag_and_the_worst_is_kept():
    lag, stopping = LoopLag(interval=0.01), asyncio.Event()
    task = asyncio.create_task(lag.run(stopping))
    await asyncio.sleep(0.03)
    time.sleep(0.2)  # CPU work that never yields
    await asyncio.sleep(0.05)
    stopping.set()
    await task
    assert lag.worst >= 0.15 and lag.current < 0.15
    assert metrics.EVENT_LOOP_LAG_MAX._value.get() >= 0.15


async def test_a_long_stretch_that_breathes_lets_the_loop_run_between_its_pieces():
    from lead_runtime.loop_lag import Breather

    lag, stopping = LoopLag(interval=0.005), asyncio.Event()
    task = asyncio.create_task(lag.run(stopping))
    await asyncio.sleep(0.02)
    breathe = Breather(seconds=0.01)
    for _ in range(60):  # 0.3 s of CPU work in pieces of 5 ms
        time.sleep(0.005)
        await breathe()
    stopping.set()
    await task
    assert lag.worst < 0.1  # without breathing it would be about 0.3 s
