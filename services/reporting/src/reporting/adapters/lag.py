"""Consumer lag per group and topic, for the dashboard (committed offsets vs. end offsets)."""

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from lead_runtime.settings import KafkaSettings

GROUPS = {
    "scoring": ["touchpoints", "lead.lifecycle"],
    "nurture": ["touchpoints", "lead.lifecycle"],
    "handoff": ["lead.lifecycle", "crm.feedback"],
    "reporting": ["lead.lifecycle", "touchpoints", "handoff.leads", "crm.feedback"],
}


async def consumer_lag(kafka: KafkaSettings, timeout: float = 5) -> list[dict]:
    return await asyncio.wait_for(_lag(kafka), timeout)


async def _lag(kafka: KafkaSettings) -> list[dict]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        await consumer.topics()  # loads metadata
        rows = []
        for group, names in GROUPS.items():
            committed = await admin.list_consumer_group_offsets(kafka.topic_prefix + group)
            for name in names:
                topic = kafka.topic(name)
                tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
                if not tps:
                    continue
                ends = await consumer.end_offsets(tps)
                lag = sum(ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in tps)
                rows.append({"group": group, "topic": name, "lag": max(lag, 0)})
        return rows
    finally:
        await consumer.stop()
        await admin.close()
