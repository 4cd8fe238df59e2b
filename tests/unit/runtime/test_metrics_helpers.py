"""Helpers services use to record CRM deliveries and the touchpoint-to-handoff latency."""

from datetime import UTC, datetime, timedelta

from lead_runtime import metrics
from prometheus_client import REGISTRY


def value(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_crm_delivery_counts_attempts_by_outcome():
    before = value("leadflow_crm_delivery_attempts_total", {"outcome": "timeout"})
    metrics.record_crm_delivery("timeout", seconds=5.0)
    assert value("leadflow_crm_delivery_attempts_total", {"outcome": "timeout"}) == before + 1


def test_handoff_latency_is_observed_from_the_touchpoint():
    before = value("leadflow_touchpoint_to_handoff_seconds_count")
    now = datetime.now(UTC)
    metrics.record_handoff_latency(now - timedelta(seconds=4), delivered_at=now)
    assert value("leadflow_touchpoint_to_handoff_seconds_count") == before + 1
    assert value("leadflow_touchpoint_to_handoff_seconds_bucket", {"le": "5.0"}) >= 1
