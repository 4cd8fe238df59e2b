"""Sales reps as the routing rules see them: weight, monthly capacity, leave."""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Leave:
    first_day: date
    last_day: date  # inclusive

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Rep:
    rep_id: str
    team: str
    name: str | None = None
    email: str | None = None
    crm_owner_id: str | None = None
    weight: float = 1.0
    monthly_capacity: int | None = None  # None: no limit
    leave: tuple[Leave, ...] = ()
    active: bool = True  # False: left the company or paused; never assigned


def month_of(now: datetime) -> str:
    """The capacity period a moment falls in, e.g. `2026-11` (UTC)."""
    return f"{now.year:04d}-{now.month:02d}"


def unavailable_because(rep: Rep, now: datetime, assigned_this_month: int) -> str | None:
    """Why `rep` cannot take a new lead right now, or None when they can."""
    if not rep.active:
        return f"{rep.rep_id} is inactive"
    today = now.date()
    for leave in rep.leave:
        if leave.covers(today):
            return f"{rep.rep_id} is on leave until {leave.last_day.isoformat()}"
    if rep.monthly_capacity is not None and assigned_this_month >= rep.monthly_capacity:
        return f"{rep.rep_id} reached the monthly capacity of {rep.monthly_capacity} leads"
    return None
