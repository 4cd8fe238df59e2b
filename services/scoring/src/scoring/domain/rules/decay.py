"""Engagement decays with a half-life, computed at read time (no nightly batch)."""

from collections.abc import Iterable
from datetime import datetime

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
