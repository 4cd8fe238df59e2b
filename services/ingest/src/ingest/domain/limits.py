"""Limits that keep ingest honest under load: a token bucket per source, and a bound on work in flight."""

import math
from dataclasses import dataclass


@dataclass
class TokenBucket:
    """`rate` tokens per second up to `burst`; time passed in (seconds, any monotonic origin)."""

    rate: float
    burst: float
    tokens: float = -1.0  # full on first use
    updated: float | None = None

    def take(self, now: float) -> float | None:
        """None when a token was taken; else the seconds until one will be there."""
        if self.updated is None:
            self.tokens, self.updated = self.burst, now
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.rate


def retry_after_seconds(wait: float) -> int:
    """Retry-After is whole seconds; never 0, so a client does not hammer."""
    return max(1, math.ceil(wait))


class InFlight:
    """Counts requests publishing right now; beyond `limit` ingest answers 503 instead of queueing."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    def try_enter(self) -> bool:
        if self.count >= self.limit:
            return False
        self.count += 1
        return True

    def leave(self) -> None:
        self.count = max(0, self.count - 1)
