"""Engagement decays with a half-life, computed at read time (no nightly batch)."""

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from ..model import ScoreLine

_SECONDS_PER_DAY = 86_400


def decayed(points: float, occurred_at: datetime, now: datetime, half_life_days: float) -> float:
    age_days = max((now - occurred_at).total_seconds(), 0) / _SECONDS_PER_DAY
    return points * 0.5 ** (age_days / half_life_days)


def engagement_at(
    ledger: Iterable[ScoreLine], now: datetime, half_life_days: float, since: datetime | None = None
) -> float:
    """Sum of behaviour changes since `since` (a recycle resets it), each decayed to `now`."""
    return sum(
        decayed(line.points, line.occurred_at, now, half_life_days)
        for line in ledger
        if line.occurred_at is not None and (since is None or line.occurred_at >= since)
    )


def falls_below_at(
    base: float, engagement: float, threshold: float, now: datetime, half_life_days: float
) -> datetime | None:
    """When `base + engagement`, decaying from `now`, drops under `threshold`; None if never.
    Lets a worker find leads to review through an indexed time instead of rescoring everyone."""
    room = threshold - base
    if room <= 0:
        return None  # fit alone keeps the lead above the threshold
    if engagement < room:
        return now
    days = half_life_days * math.log2(engagement / room)
    return now + timedelta(days=days, minutes=1)
