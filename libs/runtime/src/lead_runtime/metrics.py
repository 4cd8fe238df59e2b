"""Prometheus metrics shared by every service (one registry per process).

Consumer lag uses the names kafka_exporter made standard (`kafka_consumergroup_lag`,
`kafka_consumergroup_current_offset`, `kafka_topic_partition_current_offset`), so existing
dashboards and alerts work unchanged. Services record their own delivery figures through the
helpers at the bottom instead of defining metrics of their own.
"""

from datetime import UTC, datetime

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PROCESSED = Counter(
    "leadflow_events_processed_total",
    "Events a consumer handled, by outcome (applied, duplicate, skipped, erased, dead_lettered).",
    ["topic", "event_type", "outcome"],
)
PROCESSING_SECONDS = Histogram(
    "leadflow_batch_processing_seconds", "Time to process and commit one consumed batch.", ["group"]
)
EVENT_SECONDS = Histogram(
    "leadflow_event_processing_seconds",
    "Time one handler took for one event (inside the batch transaction).",
    ["topic", "event_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENT_LOOP_LAG = Gauge("leadflow_event_loop_lag_seconds", "How late the event loop woke a timer, last sample.")
EVENT_LOOP_LAG_MAX = Gauge("leadflow_event_loop_lag_max_seconds", "The worst event-loop lag since the process started.")
CONSUMER_REBALANCES = Counter(
    "leadflow_consumer_rebalances_total", "Partition reassignments of a running consumer (after its first).", ["group"]
)
REBALANCE_PAUSE_SECONDS = Histogram(
    "leadflow_consumer_rebalance_pause_seconds",
    "How long a member consumed nothing during a rebalance: from its partitions revoked to the new ones assigned.",
    ["group"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DLQ_MESSAGES = Counter("leadflow_dlq_messages_total", "Messages sent to a dead-letter topic.", ["topic"])
GROUP_RERUNS = Counter(
    "leadflow_group_reruns_total",
    "Partition groups rolled back after a handler failed and run again, a savepoint per message.",
    ["group"],
)
OUTBOX_PUBLISHED = Counter("leadflow_outbox_published_total", "Events relayed from the outbox to Kafka.")
HTTP_REQUESTS = Counter(
    "leadflow_http_requests_total", "HTTP requests by route and status.", ["method", "route", "status"]
)

_LAG_LABELS = ["consumergroup", "topic", "partition"]
CONSUMER_LAG = Gauge("kafka_consumergroup_lag", "Messages not yet consumed (log-end minus committed offset).", _LAG_LABELS)
CONSUMER_OFFSET = Gauge("kafka_consumergroup_current_offset", "The group's committed offset.", _LAG_LABELS)
TOPIC_END_OFFSET = Gauge("kafka_topic_partition_current_offset", "Log-end offset of the partition.", ["topic", "partition"])
CONSUMER_LAG_SECONDS = Gauge(
    "kafka_consumergroup_lag_seconds", "Age of the oldest message the group has not consumed; 0 when caught up.", _LAG_LABELS
)
CONSUMER_STATUS = Gauge(
    "leadflow_consumergroup_status", "Burrow-style status of the group: 0 OK, 1 WARN, 2 STALL.", ["consumergroup"]
)
LAG_SAMPLE_ERRORS = Counter("leadflow_lag_sample_errors_total", "Lag samples that failed (broker unreachable).")

CRM_DELIVERIES = Counter(
    "leadflow_crm_delivery_attempts_total", "Pushes to the CRM, by outcome (delivered, failed, timeout, rejected).", ["outcome"]
)
CRM_DELIVERY_SECONDS = Histogram("leadflow_crm_delivery_seconds", "Duration of one push to the CRM.")
TOUCHPOINT_TO_HANDOFF_SECONDS = Histogram(
    "leadflow_touchpoint_to_handoff_seconds",
    "From the touchpoint that made a lead sales-ready being recorded to the CRM accepting the handoff.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 86400),
)


def record_crm_delivery(outcome: str, seconds: float | None = None) -> None:
    """One push attempt to the CRM: `delivered`, `failed` (an error answer), `timeout`, `rejected`."""
    CRM_DELIVERIES.labels(outcome).inc()
    if seconds is not None:
        CRM_DELIVERY_SECONDS.observe(seconds)


def record_handoff_latency(touchpoint_recorded_at: datetime, delivered_at: datetime | None = None) -> None:
    """Call once per handoff the CRM accepted, with the triggering touchpoint's `recorded_at`."""
    delivered_at = delivered_at or datetime.now(UTC)
    TOUCHPOINT_TO_HANDOFF_SECONDS.observe(max((delivered_at - touchpoint_recorded_at).total_seconds(), 0.0))
