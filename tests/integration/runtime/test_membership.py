"""Group membership on the real broker: a member restarted under the same instance id (static
membership) gets its partitions back and the rest of the group never stops; without one, the
same restart makes every member give up its partitions and take new ones."""

import asyncio

import pytest
from lead_runtime import metrics
from lead_runtime.consumer import ConsumerLoop, Subscription

from tests.kafka_tools import eventually

pytestmark = pytest.mark.integration


def rebalances(group: str) -> float:
    return metrics.CONSUMER_REBALANCES.labels(group)._value.get()


class Member:
    def __init__(self, kafka, group: str, instance_id: str | None) -> None:
        settings = kafka.model_copy(update={"instance_id": instance_id})
        self.loop = ConsumerLoop(Subscription(group, {}, ["touchpoints"]), None, settings)
        self.stopping = asyncio.Event()
        self.task = asyncio.create_task(self.loop.run(self.stopping))

    def owns(self) -> set[int]:
        consumer = self.loop.consumer
        return {tp.partition for tp in consumer.assignment()} if consumer is not None else set()

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.wait_for(self.task, 30)


async def settled(*members: Member) -> None:
    async def split():
        owned = [m.owns() for m in members]
        return all(owned) and set().union(*owned) == {0, 1, 2} and sum(map(len, owned)) == 3
    await eventually(split, timeout=40, interval=0.2)


async def restart_second(kafka, group: str, ids: tuple[str | None, str | None]) -> tuple[float, set[int], set[int]]:
    """Two members; the second one stops and starts again. Returns the first one's rebalances
    during the restart, and the second one's partitions before and after."""
    first, second = Member(kafka, group, ids[0]), Member(kafka, group, ids[1])
    try:
        await settled(first, second)
        before, owned = rebalances(group), second.owns()
        await second.stop()
        second = Member(kafka, group, ids[1])
        await settled(first, second)
        await asyncio.sleep(1)  # a rebalance the restart set off would have begun by now
        await settled(first, second)
        return rebalances(group) - before, owned, second.owns()
    finally:
        await asyncio.gather(first.stop(), second.stop())


async def test_a_static_member_restarted_in_time_takes_its_partitions_back_without_a_rebalance(kafka_settings):
    group = "static-members"
    moved, owned_before, owned_after = await restart_second(kafka_settings, group, ("scoring-0", "scoring-1"))
    assert moved == 0
    assert owned_after == owned_before


async def test_without_an_instance_id_the_same_restart_rebalances_the_group(kafka_settings):
    moved, _, _ = await restart_second(kafka_settings, "dynamic-members", (None, None))
    assert moved >= 1
