"""Caps by event time: at most `points` per touchpoint type in each period of `days` days.

Periods are fixed, counted from Monday 1970-01-05 UTC (7 days are calendar weeks), not a window
sliding back from each touchpoint: what a fixed period awards depends only on its touchpoints,
never on the order they arrive in. Within a period the earliest touchpoints get the points. One
that arrives late takes its place; the later ones it displaces get a correction line (negative
points at their own time), so the ledger stays append-only and the lead ends where in-order
delivery would have put it.
"""

from datetime import UTC, datetime, timedelta

from ..model import Activity, ScoreLine
from ..policy import Cap

ORIGIN = datetime(1970, 1, 5, tzinfo=UTC)
_FIRST, _LAST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
_EPSILON = 1e-9


def period_of(at: datetime, days: float) -> tuple[datetime, datetime]:
    """[start, end) of the cap period `at` falls in (clamped at the ends of time)."""
    span = timedelta(days=days)
    offset = (at - ORIGIN) % span
    start = at - offset if at - _FIRST >= offset else _FIRST
    end = start + span if _LAST - start > span else _LAST
    return start, end


def capped(activity: Activity, base: float, cap: Cap, rule: str, earlier: list[ScoreLine]) -> tuple[float, list[ScoreLine]]:
    """The points `activity` earns under its cap, and corrections for the later touchpoints of its
    period that it displaces. `earlier` must hold the rule's lines of the whole period."""
    start, end = period_of(activity.occurred_at, cap.days)
    net: dict[str, list] = {}  # touchpoint -> [occurred_at, points so far, corrections included]
    for line in earlier:
        if line.rule == rule and line.touchpoint_id and line.occurred_at and start <= line.occurred_at < end:
            net.setdefault(line.touchpoint_id, [line.occurred_at, 0.0])[1] += line.points
    here = (activity.occurred_at, activity.touchpoint_id)
    before = sum(points for tid, (at, points) in net.items() if (at, tid) < here)
    award = max(min(base, cap.points - before), 0)
    remaining = cap.points - before - award
    corrections = []
    for tid, (at, points) in sorted(((tid, v) for tid, v in net.items() if (v[0], tid) > here),
                                    key=lambda item: (item[1][0], item[0])):
        due = max(min(points, remaining), 0)
        if points - due > _EPSILON:
            detail = (f"cap of {cap.points:g} points per {cap.days:g} days: an earlier"
                      f" {activity.type.replace('_', ' ')} arrived late")
            corrections.append(ScoreLine(rule, due - points, tid, detail, at))
        remaining -= due
    return award, corrections
