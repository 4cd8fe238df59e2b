"""When a step may go out: contact-frequency limits and quiet hours in the lead's time zone."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .catalogue import ContactLimits
from .model import Blocker, LeadState, NothingDue, SentStep
from .policy import QuietHours

WEEK = timedelta(days=7)
SATURDAY = 5


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def frequency_limit(sent: Sequence[SentStep], limits: ContactLimits) -> NothingDue | None:
    """At most N steps in any 7 days and a minimum gap, across all tracks of a lead."""
    times = sorted(s.sent_at for s in sent)
    if not times:
        return None
    until = times[-1] + limits.min_gap
    if len(times) >= limits.max_steps_per_week:
        until = max(until, times[-limits.max_steps_per_week] + WEEK)
    hours = int(limits.min_gap.total_seconds() // 3600)
    return NothingDue(
        Blocker.FREQUENCY_LIMIT,
        f"Contact limit ({limits.max_steps_per_week} steps per week, {hours} h apart): "
        f"the next step is allowed from {when(until)}.",
        until,
    )


def lead_zone(lead: LeadState, quiet: QuietHours) -> str | None:
    """The lead's own zone if known and valid, else its company's country's, else the default."""
    for name in (lead.time_zone, quiet.zones_by_country.get((lead.country or "").upper())):
        if name and _zone(name) is not None:
            return name
    return quiet.default_zone


def quiet_hours(lead: LeadState, quiet: QuietHours | None, moment: datetime) -> NothingDue | None:
    """None if `moment` is outside quiet hours; else when they end."""
    zone = _zone(lead_zone(lead, quiet)) if quiet else None
    if zone is None:
        return None
    allowed = _first_allowed(moment.astimezone(zone), quiet)
    if allowed <= moment:
        return None
    start, end = quiet.start.strftime("%H:%M"), quiet.end.strftime("%H:%M")
    weekends = " and weekends" if quiet.weekends else ""
    return NothingDue(
        Blocker.QUIET_HOURS,
        f"Quiet hours ({start}-{end}{weekends}, {zone.key}): the next step goes out at {when(allowed)}.",
        allowed.astimezone(UTC),
    )


def _first_allowed(local: datetime, quiet: QuietHours) -> datetime:
    for _ in range(10):  # at most a weekend plus a night
        if quiet.weekends and local.weekday() >= SATURDAY:
            monday = local.date() + timedelta(days=7 - local.weekday())
            local = datetime.combine(monday, datetime.min.time(), tzinfo=local.tzinfo)
            continue
        t, start, end = local.timetz().replace(tzinfo=None), quiet.start, quiet.end
        spans_midnight = start > end
        in_window = (t >= start or t < end) if spans_midnight else start <= t < end
        if not in_window:
            return local
        day = local.date() + timedelta(days=1) if spans_midnight and t >= start else local.date()
        local = datetime.combine(day, end, tzinfo=local.tzinfo)
    return local


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
