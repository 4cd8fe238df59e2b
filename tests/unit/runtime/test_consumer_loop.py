"""The consumer loop outlives broker trouble: a failing consumer is restarted, not lost."""

import asyncio

from lead_runtime.consumer import ConsumerLoop, Subscription
from lead_runtime.settings import KafkaSettings


async def test_a_consumer_that_fails_is_restarted_until_stopping():
    loop = ConsumerLoop(Subscription("svc", {}, ["touchpoints"]), None, KafkaSettings(bootstrap_servers="x:1"))
    stopping = asyncio.Event()
    calls = []

    async def failing_then_stopping(stop: asyncio.Event) -> None:
        calls.append(1)
        if len(calls) == 2:
            stop.set()
            return
        raise ConnectionError("broker went away")

    loop._consume = failing_then_stopping
    await asyncio.wait_for(loop.run(stopping), 10)
    assert len(calls) == 2
    assert loop.restarts == 1
