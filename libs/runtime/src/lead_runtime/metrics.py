"""Prometheus metrics shared by every service (one registry per process)."""

from prometheus_client import Counter, Histogram

EVENTS_PROCESSED = Counter(
    "leadflow_events_processed_total",
    "Events a consumer handled, by outcome (applied, duplicate, skipped, dead_lettered).",
    ["topic", "event_type", "outcome"],
)
PROCESSING_SECONDS = Histogram(
    "leadflow_batch_processing_seconds", "Time to process and commit one consumed batch.", ["group"]
)
DLQ_MESSAGES = Counter("leadflow_dlq_messages_total", "Messages sent to a dead-letter topic.", ["topic"])
OUTBOX_PUBLISHED = Counter("leadflow_outbox_published_total", "Events relayed from the outbox to Kafka.")
HTTP_REQUESTS = Counter(
    "leadflow_http_requests_total", "HTTP requests by route and status.", ["method", "route", "status"]
)
