"""The lag monitor turns readings into gauges and a stall verdict for this process's partitions."""

from aiokafka import TopicPartition
from lead_runtime.lag_monitor import LagMonitor
from lead_runtime.offsets import PartitionLag
from prometheus_client import REGISTRY


def reading(position: int, end: int, partition: int = 0, ts_ms: int | None = None) -> PartitionLag:
    return PartitionLag("g.scoring", "g.touchpoints", partition, position, 0, end, ts_ms)


def gauge(name: str, partition: int = 0) -> float | None:
    labels = {"consumergroup": "g.scoring", "topic": "g.touchpoints", "partition": str(partition)}
    return REGISTRY.get_sample_value(name, labels)


def test_readings_are_exported_under_the_kafka_exporter_names():
    monitor = LagMonitor("unused:9092", {"g.scoring": ["g.touchpoints"]}, interval=1, window=3)
    monitor.record([reading(40, 52)], at=0)
    assert gauge("kafka_consumergroup_lag") == 12
    assert gauge("kafka_consumergroup_current_offset") == 40
    assert REGISTRY.get_sample_value("kafka_topic_partition_current_offset",
                                     {"topic": "g.touchpoints", "partition": "0"}) == 52


def test_lag_seconds_is_the_age_of_the_oldest_waiting_message():
    import time

    monitor = LagMonitor("unused:9092", {"g.scoring": ["g.touchpoints"]}, interval=1, window=3)
    monitor.record([reading(1, 2, partition=5, ts_ms=int((time.time() - 30) * 1000))], at=0)
    assert 29 <= gauge("kafka_consumergroup_lag_seconds", partition=5) < 60


def test_a_stall_on_our_partition_makes_us_stalled_but_not_another_replicas():
    monitor = LagMonitor("unused:9092", {"g.scoring": ["g.touchpoints"]}, interval=1, window=3)
    for at in range(5):
        monitor.record([reading(10, 20 + at, partition=0), reading(at, at, partition=1)], at=at)
    assert monitor.group_status("g.scoring") == "STALL"
    assert monitor.stalled("g.scoring", {TopicPartition("g.touchpoints", 0)})
    assert not monitor.stalled("g.scoring", {TopicPartition("g.touchpoints", 1)})
    assert REGISTRY.get_sample_value("leadflow_consumergroup_status", {"consumergroup": "g.scoring"}) == 2
