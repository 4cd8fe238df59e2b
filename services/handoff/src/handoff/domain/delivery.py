"""Pushing a handoff to the CRM: what an answer means and when to try again."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# A Retry-After beyond this is treated as this, so a confused CRM cannot park a lead for days.
MAX_RETRY_AFTER_SECONDS = 3600.0
_RETRYABLE_STATUS = frozenset({408, 425, 429})


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    NOT_CONFIGURED = "not_configured"
    CANCELLED = "cancelled"  # the person was erased before the CRM had the lead


class AttemptResult(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 2.0
    max_seconds: float = 600.0


@dataclass(frozen=True)
class NextStep:
    result: AttemptResult
    status: DeliveryStatus
    next_attempt_at: datetime | None


def is_retryable(status_code: int | None) -> bool:
    """None means no answer (timeout, connection error): worth another try."""
    if status_code is None:
        return True
    return status_code in _RETRYABLE_STATUS or status_code >= 500


def retry_delay(attempt: int, backoff: Backoff, jitter: float, retry_after: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`, after `attempt` failures (1-based).

    Exponential with "equal jitter" (`jitter` in [0, 1) picks between half and all of the step),
    never shorter than the CRM's Retry-After."""
    step = min(backoff.max_seconds, backoff.base_seconds * 2 ** max(attempt - 1, 0))
    delay = step * (0.5 + jitter / 2)
    if retry_after is not None:
        delay = max(delay, min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS))
    return delay


def next_step(
    attempt: int,
    status_code: int | None,
    now: datetime,
    *,
    max_attempts: int,
    backoff: Backoff,
    jitter: float,
    retry_after: float | None = None,
    crm_down_until: datetime | None = None,
) -> NextStep:
    """Outcome of attempt number `attempt` (1-based, counted since the last redrive).

    `crm_down_until`: the circuit breaker is open; the failure is the CRM's outage, so it does
    not spend this lead's retry budget and the next try waits for the breaker."""
    if status_code is not None and 200 <= status_code < 300:
        return NextStep(AttemptResult.DELIVERED, DeliveryStatus.DELIVERED, None)
    if not is_retryable(status_code):
        return NextStep(AttemptResult.FAILED, DeliveryStatus.FAILED, None)
    if crm_down_until is None and attempt >= max_attempts:
        return NextStep(AttemptResult.FAILED, DeliveryStatus.FAILED, None)
    at = now + timedelta(seconds=retry_delay(attempt, backoff, jitter, retry_after))
    if crm_down_until is not None:
        at = max(at, crm_down_until)
    return NextStep(AttemptResult.RETRY, DeliveryStatus.PENDING, at)
