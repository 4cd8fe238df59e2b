"""Test helpers to put events on, and read them from, the real broker."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from lead_events import Envelope, decode, encode
from lead_runtime.settings import KafkaSettings


async def produce(kafka: KafkaSettings, topic: str, *events: Envelope, raw: list[bytes] | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(kafka.topic(topic), encode(event), key=event.lead_id.encode())
        for value in raw or []:
            await producer.send_and_wait(kafka.topic(topic), value, key=b"poison")
    finally:
        await producer.stop()


async def read_all(kafka: KafkaSettings, topic: str, timeout: float = 2.0) -> list[Any]:
    """Every message on the (prefixed) topic so far: decoded events, or raw records if undecodable."""
    consumer = AIOKafkaConsumer(
        kafka.topic(topic), bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest",
        enable_auto_commit=False, group_id=None,
    )
    await consumer.start()
    found: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for records in batch.values():
                for r in records:
                    try:
                        found.append(decode(r.value))
                    except ValueError:
                        found.append(r)
    finally:
        await consumer.stop()
    return found


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 30.0, interval: float = 0.3) -> Any:
    """Polls `check` until it returns something truthy; fails with the last value otherwise."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
