"""Samples the lag of this service's consumer groups in the background and exports it as
Prometheus gauges; readiness asks it whether this process's own partitions are stalled."""

import asyncio
import logging
import time
from collections import deque

from aiokafka import TopicPartition

from . import metrics
from .lag_status import OK, STALL, Sample, partition_status, status_code, worst
from .logs import fields
from .offsets import OffsetReader, PartitionLag

log = logging.getLogger(__name__)

Key = tuple[str, str, int]  # group, topic, partition


class LagMonitor:
    def __init__(
        self, bootstrap_servers: str, groups: dict[str, list[str]], interval: float = 15.0, window: float = 60.0
    ) -> None:
        """`groups`: consumer group -> the topics it reads, both as on the broker (prefixed)."""
        self._bootstrap = bootstrap_servers
        self._groups = groups
        self.interval = interval
        self.window = window
        self._history: dict[Key, deque[Sample]] = {}
        self._keep = max(int(window / interval) + 3, 4)
        self.last_sample_at: float | None = None

    async def run(self, stopping: asyncio.Event) -> None:
        reader: OffsetReader | None = None
        try:
            while not stopping.is_set():
                try:
                    reader = reader or await OffsetReader(self._bootstrap).start()
                    await asyncio.wait_for(self.sample(reader), max(self.interval, 10))
                except Exception as exc:  # the broker may be away; readiness reports that separately
                    metrics.LAG_SAMPLE_ERRORS.inc()
                    log.warning("lag sample failed", extra=fields(error=repr(exc)))
                    if reader is not None:
                        await _close_quietly(reader)
                        reader = None
                try:
                    await asyncio.wait_for(stopping.wait(), self.interval)
                except TimeoutError:
                    pass
        finally:
            if reader is not None:
                await _close_quietly(reader)

    async def sample(self, reader: OffsetReader) -> list[PartitionLag]:
        rows: list[PartitionLag] = []
        for group, topics in self._groups.items():
            rows += await reader.read(group, topics)
        self.record(rows, time.monotonic())
        return rows

    def record(self, rows: list[PartitionLag], at: float) -> None:
        now = time.time()
        for row in rows:
            labels = (row.group, row.topic, str(row.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(row.lag)
            metrics.CONSUMER_OFFSET.labels(*labels).set(row.position)
            metrics.CONSUMER_LAG_SECONDS.labels(*labels).set(row.lag_seconds(now))
            metrics.TOPIC_END_OFFSET.labels(row.topic, str(row.partition)).set(row.end)
            history = self._history.setdefault((row.group, row.topic, row.partition), deque(maxlen=self._keep))
            history.append(Sample(at, row.position, row.end))
        for group in self._groups:
            metrics.CONSUMER_STATUS.labels(group).set(status_code(self.group_status(group)))
        self.last_sample_at = at

    def partition_status(self, key: Key) -> str:
        return partition_status(list(self._history.get(key, ())), self.window)

    def group_status(self, group: str) -> str:
        return worst(self.partition_status(k) for k in self._history if k[0] == group)

    def stalled(self, group: str, assigned: set[TopicPartition]) -> bool:
        """Only the partitions this process owns count: another replica's stall is not ours."""
        return any(
            self.partition_status(k) == STALL
            for k in self._history
            if k[0] == group and TopicPartition(k[1], k[2]) in assigned
        )

    def statuses(self) -> dict[str, str]:
        return {group: self.group_status(group) for group in self._groups} or {"-": OK}


async def _close_quietly(reader: OffsetReader) -> None:
    try:
        await reader.close()
    except Exception:
        pass
