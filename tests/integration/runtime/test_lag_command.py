"""`python -m lead_runtime.lag` against the real broker: a consumer that stopped while messages
keep arriving is reported STALL (exit 2) within a short, configurable window; one that keeps
committing is OK (exit 0)."""

import asyncio
import subprocess
import sys

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from lead_runtime.offsets import read_once

pytestmark = pytest.mark.integration


async def produce(bootstrap: str, topic: str, n: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for i in range(n):
            await producer.send_and_wait(topic, b"{}", key=b"k", partition=0)
    finally:
        await producer.stop()


async def commit(bootstrap: str, group: str, topic: str, offset: int) -> None:
    """What a consumer does after a batch: commit its position; then it goes away."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    consumer.assign([TopicPartition(topic, 0)])
    try:
        await consumer.commit({TopicPartition(topic, 0): offset})
    finally:
        await consumer.stop()


def run_lag(bootstrap: str, group: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lead_runtime.lag", "--bootstrap", bootstrap, "--group", group, *extra],
        capture_output=True, text=True, timeout=120,
    )


async def test_stopped_consumer_with_waiting_messages_is_reported_stalled(kafka_settings):
    bootstrap, topic, group = kafka_settings.bootstrap_servers, kafka_settings.topic("touchpoints"), kafka_settings.topic("scoring")
    await produce(bootstrap, topic, 10)
    await commit(bootstrap, group, topic, 4)

    async def keep_producing():
        for _ in range(3):
            await asyncio.sleep(1)
            await produce(bootstrap, topic, 2)

    feeder = asyncio.create_task(keep_producing())
    done = await asyncio.to_thread(run_lag, bootstrap, group, "--samples", "3", "--interval", "2")
    await feeder
    assert done.returncode == 2, done.stdout + done.stderr
    line = next(l for l in done.stdout.splitlines() if l.startswith(group) and f"{topic} " in l and " 0 " in l)
    assert "STALL" in line
    assert f"group {group}: STALL" in done.stdout


async def test_committing_consumer_is_ok_and_lag_is_read_per_partition(kafka_settings):
    bootstrap, topic, group = kafka_settings.bootstrap_servers, kafka_settings.topic("touchpoints"), kafka_settings.topic("nurture")
    await produce(bootstrap, topic, 6)
    await commit(bootstrap, group, topic, 6)
    rows = await read_once(bootstrap, group, [topic])
    assert {r.partition for r in rows} == {0, 1, 2}
    assert [r.lag for r in rows if r.partition == 0] == [0]
    done = await asyncio.to_thread(run_lag, bootstrap, group, "--samples", "2", "--interval", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"group {group}: OK, total lag 0" in done.stdout


async def test_lag_seconds_is_the_age_of_the_first_unread_message(kafka_settings):
    bootstrap, topic, group = kafka_settings.bootstrap_servers, kafka_settings.topic("touchpoints"), kafka_settings.topic("handoff")
    await produce(bootstrap, topic, 3)
    await commit(bootstrap, group, topic, 1)
    await asyncio.sleep(1.5)
    [row] = [r for r in await read_once(bootstrap, group, [topic]) if r.partition == 0]
    assert row.lag == 2
    assert row.lag_seconds() >= 1.0
