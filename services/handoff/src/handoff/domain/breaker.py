"""Circuit breaker of the CRM push: stop hammering a CRM that is down, probe it now and then.

closed --N retryable failures in a row--> open --cooldown over--> half_open (one probe)
half_open --success--> closed;  half_open --failure--> open with a doubled cooldown (capped).
While the breaker is open no handoff is claimed, so a CRM outage spends no retry budget.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerPolicy:
    failure_threshold: int = 5
    cooldown: timedelta = timedelta(seconds=30)
    max_cooldown: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Breaker:
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0  # retryable failures in a row
    open_until: datetime | None = None
    cooldown: timedelta | None = None  # the current one; grows while probes fail


def allowance(breaker: Breaker, now: datetime, batch: int) -> tuple[Breaker, int]:
    """How many pushes may start now (0 while open; 1 probe when the cooldown is over)."""
    if breaker.state is BreakerState.CLOSED:
        return breaker, batch
    if breaker.state is BreakerState.OPEN and breaker.open_until is not None and now >= breaker.open_until:
        return replace(breaker, state=BreakerState.HALF_OPEN), 1
    return breaker, 0  # open, or half-open with its probe still out


def record(breaker: Breaker, failed: bool, now: datetime, policy: BreakerPolicy) -> Breaker:
    """`failed`: the CRM did not answer, or answered 429/5xx. Any other answer proves it is up."""
    if not failed:
        return Breaker()
    if breaker.state is BreakerState.HALF_OPEN:
        cooldown = min((breaker.cooldown or policy.cooldown) * 2, policy.max_cooldown)
        return Breaker(BreakerState.OPEN, breaker.failures + 1, now + cooldown, cooldown)
    if breaker.state is BreakerState.OPEN:
        return replace(breaker, failures=breaker.failures + 1)  # a push that started before it opened
    failures = breaker.failures + 1
    if failures >= policy.failure_threshold:
        return Breaker(BreakerState.OPEN, failures, now + policy.cooldown, policy.cooldown)
    return replace(breaker, failures=failures)


def is_crm_down(breaker: Breaker) -> bool:
    """A failure while the breaker is (or just went) open is the CRM's outage, not this lead's."""
    return breaker.state is not BreakerState.CLOSED
