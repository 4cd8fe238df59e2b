"""Reads a consumer group's lag from the broker: committed offset, log-end offset and the age of
the oldest message the group has not consumed yet. Used by the services' lag exporter and by
`python -m lead_runtime.lag`. It asks the broker, not the group's members, so a consumer that is
stuck or dead still shows its lag growing."""

import asyncio
import time
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group never committed here (it starts at `start`)
    start: int  # log-start offset
    end: int  # log-end offset (the next offset to be written)
    oldest_unconsumed_ms: int | None = None  # timestamp of the message at the group's position

    @property
    def position(self) -> int:
        return self.start if self.committed is None else max(self.committed, self.start)

    @property
    def lag(self) -> int:
        return max(self.end - self.position, 0)

    def lag_seconds(self, now: float | None = None) -> float:
        """Age of the oldest unconsumed message; 0 when the group is caught up."""
        if self.lag == 0 or self.oldest_unconsumed_ms is None:
            return 0.0
        return max((now if now is not None else time.time()) - self.oldest_unconsumed_ms / 1000, 0.0)


class OffsetReader:
    """One admin client and one group-less consumer, kept open across samples."""

    def __init__(self, bootstrap_servers: str, request_timeout_ms: int = 10000) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=request_timeout_ms)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False,
            request_timeout_ms=request_timeout_ms,
        )

    async def start(self) -> "OffsetReader":
        await self._admin.start()
        await self._consumer.start()
        return self

    async def close(self) -> None:
        await self._consumer.stop()
        await self._admin.close()

    async def groups(self, prefix: str = "") -> list[str]:
        found = await self._admin.list_consumer_groups()
        return sorted(g[0] for g in found if g[0].startswith(prefix))

    async def read(self, group: str, topics: list[str] | None = None, with_age: bool = True) -> list[PartitionLag]:
        """Lag of `group` on `topics` (all partitions), or on every partition it committed to."""
        committed = {
            tp: meta.offset for tp, meta in (await self._admin.list_consumer_group_offsets(group)).items()
            if meta.offset >= 0
        }
        tps = set(committed) if topics is None else await self._partitions(topics)
        if not tps:
            return []
        tps = sorted(tps)
        ends = await self._consumer.end_offsets(tps)
        starts = await self._consumer.beginning_offsets(tps)
        rows = [
            PartitionLag(group, tp.topic, tp.partition, committed.get(tp), starts[tp], ends[tp]) for tp in tps
        ]
        if with_age:
            ages = await self._timestamps({TopicPartition(r.topic, r.partition): r.position for r in rows if r.lag})
            rows = [
                PartitionLag(r.group, r.topic, r.partition, r.committed, r.start, r.end,
                             ages.get(TopicPartition(r.topic, r.partition)))
                for r in rows
            ]
        return rows

    async def _partitions(self, topics: list[str]) -> set[TopicPartition]:
        described = await self._admin.describe_topics(topics)
        return {
            TopicPartition(t["topic"], p["partition"])
            for t in described if not t["error_code"] for p in t["partitions"]
        }

    async def _timestamps(self, positions: dict[TopicPartition, int], polls: int = 3) -> dict[TopicPartition, int]:
        """Timestamp of the record at each position (the oldest one the group still has to read)."""
        if not positions:
            return {}
        self._consumer.assign(list(positions))
        for tp, offset in positions.items():
            self._consumer.seek(tp, offset)
        found: dict[TopicPartition, int] = {}
        try:
            for _ in range(polls):  # bounded: a partition compacted past its position stays unknown
                batch = await self._consumer.getmany(*positions, timeout_ms=1000, max_records=len(positions) * 50)
                for tp, records in batch.items():
                    if records and tp not in found:
                        found[tp] = records[0].timestamp
                        self._consumer.pause(tp)
                if len(found) == len(positions):
                    break
        finally:
            self._consumer.assign([])
        return found


async def read_once(bootstrap_servers: str, group: str, topics: list[str] | None = None) -> list[PartitionLag]:
    reader = await OffsetReader(bootstrap_servers).start()
    try:
        return await asyncio.wait_for(reader.read(group, topics), 30)
    finally:
        await reader.close()
