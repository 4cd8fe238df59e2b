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


async def _groups_of(one_transaction: bool) -> list[list]:
    loop = ConsumerLoop(Subscription("svc", {}, ["touchpoints"], one_transaction=one_transaction), None,
                        KafkaSettings(bootstrap_servers="x:1"))
    seen: list[list] = []

    async def group(per_topic) -> None:
        seen.append([(r.partition, r.offset) for records in per_topic for r in records])

    async def commit() -> None:
        pass

    loop._process_group, loop._commit_pending = group, commit
    await loop._process_batch(dict([_records(0, 3), _records(1, 2)]))
    return seen


async def test_groups_are_one_transaction_per_partition_unless_the_service_asks_for_one():
    assert sorted(await _groups_of(False)) == [[(0, 0), (0, 1), (0, 2)], [(1, 0), (1, 1)]]
    [only] = await _groups_of(True)
    assert sorted(only) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
