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


def _records(partition: int, n: int):
    from aiokafka import ConsumerRecord
    from aiokafka.structs import TopicPartition
    tp = TopicPartition("touchpoints", partition)
    return tp, [ConsumerRecord("touchpoints", partition, i, 10 * i + partition, 0, b"k", b"v", None, 1, 1, ())
                for i in range(n)]


async def test_a_batch_is_one_transaction_keeping_each_partitions_order():
    loop = ConsumerLoop(Subscription("svc", {}, ["touchpoints"]), None, KafkaSettings(bootstrap_servers="x:1"))
    seen: list[list] = []

    async def run_group(sessions, records, *args):
        seen.append([(r.partition, r.offset) for r in records])
        return []

    async def commit() -> None:
        pass

    import lead_runtime.consumer as consumer
    original, consumer.run_group = consumer.run_group, run_group
    try:
        loop._commit_pending = commit
        await loop._process_batch(dict([_records(0, 3), _records(1, 2)]))
    finally:
        consumer.run_group = original
    [only] = seen
    assert only == [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2)]  # by timestamp, each partition in its order
    assert loop._pending == {("touchpoints", 0): 3, ("touchpoints", 1): 2}
