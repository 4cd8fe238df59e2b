"""Reads `touchpoints.rejected` from the start (or from a time) to its current end."""

from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from lead_events import TouchpointRejected, decode, topics
from lead_runtime.settings import KafkaSettings


async def read_rejections(kafka: KafkaSettings, since: datetime | None = None) -> list[TouchpointRejected]:
    topic = kafka.topic(topics.TOUCHPOINTS_REJECTED)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [
        TopicPartition(topic, p["partition"]) for t in described if not t["error_code"] for p in t["partitions"]
    ]
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        if since is not None:  # the broker's time index: skip what was written before `since`
            found = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in partitions})
            starts = {tp: (found[tp].offset if found[tp] else ends[tp]) for tp in partitions}
        for tp in partitions:
            consumer.seek(tp, starts[tp])
        found_events: list[TouchpointRejected] = []
        pending = {tp for tp in partitions if starts[tp] < ends[tp]}
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    if record.offset < ends[tp]:
                        event = _decoded(record.value)
                        if event is not None:
                            found_events.append(event)
            for tp in list(pending):  # by position, not by record: offsets may have gaps
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
        return sorted(found_events, key=lambda e: e.data.received_at)
    finally:
        await consumer.stop()


def _decoded(value: bytes) -> TouchpointRejected | None:
    try:
        event = decode(value)
    except Exception:  # not ours to judge here: the topic may carry events of a newer version
        return None
    return event if isinstance(event, TouchpointRejected) else None
