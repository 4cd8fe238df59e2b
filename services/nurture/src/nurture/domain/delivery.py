"""What to do after an attempt to push a step to the email system."""

from dataclasses import dataclass
from datetime import datetime, timedelta

PENDING, DELIVERED, FAILED, CANCELLED = "pending", "delivered", "failed", "cancelled"
_RETRYABLE_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True)
class AfterAttempt:
    status: str
    next_attempt_at: datetime | None = None


def after_attempt(
    attempt: int, status_code: int | None, now: datetime, *, max_attempts: int, base: float, cap: float,
    retry_after: float | None = None,
) -> AfterAttempt:
    """2xx: delivered. A client error other than timeout/too-many: failed, a retry would not help.
    Otherwise retry with exponential backoff (or the server's Retry-After) until `max_attempts`."""
    if status_code is not None and 200 <= status_code < 300:
        return AfterAttempt(DELIVERED)
    permanent = status_code is not None and 400 <= status_code < 500 and status_code not in _RETRYABLE_4XX
    if permanent or attempt >= max_attempts:
        return AfterAttempt(FAILED)
    wait = retry_after if retry_after is not None else min(cap, base * 2 ** (attempt - 1))
    return AfterAttempt(PENDING, now + timedelta(seconds=min(wait, cap)))


def may_deliver(
    consent: bool | None, unsubscribed_at: datetime | None, paused: bool, queued_at: datetime | None = None
) -> str | None:
    """Why a queued push must not go out any more, or None. An unsubscribe stops everything
    from that moment, including steps chosen before it; `unsubscribed_at` is the last unsubscribe,
    so one before the step was queued (followed by a new opt-in) does not stop it."""
    if paused:
        return None  # held, not cancelled: it goes out when nurturing resumes
    after_queued = unsubscribed_at is not None and (queued_at is None or unsubscribed_at >= queued_at)
    if consent is False or after_queued:
        return "the lead unsubscribed or withdrew consent after the step was chosen"
    return None
