"""Consumer lag per group and topic for the dashboard, read through the runtime's OffsetReader."""

import asyncio
from collections import defaultdict

from lead_runtime.offsets import OffsetReader
from lead_runtime.settings import KafkaSettings

GROUPS = {
    "scoring": ["touchpoints", "lead.lifecycle"],
    "nurture": ["touchpoints", "lead.lifecycle"],
    "handoff": ["lead.lifecycle", "crm.feedback"],
    "reporting": ["lead.lifecycle", "touchpoints", "handoff.leads", "crm.feedback"],
}


async def consumer_lag(kafka: KafkaSettings, timeout: float = 5) -> list[dict]:
    reader = await OffsetReader(kafka.bootstrap_servers).start()
    try:
        return await asyncio.wait_for(_lag(reader, kafka), timeout)
    finally:
        await reader.close()


async def _lag(reader: OffsetReader, kafka: KafkaSettings) -> list[dict]:
    rows = []
    for group, names in GROUPS.items():
        per_topic: dict[str, int] = defaultdict(int)
        for p in await reader.read(kafka.topic_prefix + group, [kafka.topic(n) for n in names], with_age=False):
            per_topic[p.topic.removeprefix(kafka.topic_prefix)] += p.lag
        rows += [{"group": group, "topic": topic, "lag": lag} for topic, lag in sorted(per_topic.items())]
    return rows
