"""A period as the rollups see it: whole months, whole days (UTC) and the ragged parts of a day
at either end, which are read event by event. The rollups hold a row per day and per month, so a
year costs about a dozen month rows and up to sixty day rows per key, whatever the events."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .model import Period


@dataclass(frozen=True)
class Split:
    days: tuple[date, date]  # whole days [from, to): day rows, except the whole months within
    months: tuple[date, date]  # whole months [from, to) (the first day of each): month rows
    edges: tuple[tuple[datetime, datetime], tuple[datetime, datetime]]  # instants [from, to), possibly empty


def split(period: Period) -> Split:
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    if start >= end or start.date() == date.max:  # nothing, or nothing the rollups' days can hold
        return Split((end.date(), end.date()), (end.date(), end.date()), ((start, max(start, end)), (end, end)))
    first = start.date() if start == _midnight(start.date()) else start.date() + timedelta(days=1)
    last = end.date()
    if first >= last:  # within a day or two: no whole day
        return Split((last, last), (last, last), ((start, end), (end, end)))
    month_from = first if first.day == 1 else _next_month(first)
    month_to = last.replace(day=1)
    if month_from >= month_to:
        month_from = month_to = last
    return Split((first, last), (month_from, month_to),
                 ((start, max(start, _midnight(first))), (min(end, _midnight(last)), end)))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _next_month(day: date) -> date:
    if (day.year, day.month) == (9999, 12):
        return date.max  # no whole month left
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)
