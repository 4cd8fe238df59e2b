from datetime import UTC, date, datetime

from reporting.domain.model import Period
from reporting.domain.periods import split


def test_a_period_is_whole_months_whole_days_and_the_parts_of_a_day_at_either_end():
    part = split(Period(datetime(2026, 8, 25, 6, 30, tzinfo=UTC), datetime(2026, 11, 20, 18, tzinfo=UTC)))
    assert part.days == (date(2026, 8, 26), date(2026, 11, 20))
    assert part.months == (date(2026, 9, 1), date(2026, 11, 1))
    assert part.edges == ((datetime(2026, 8, 25, 6, 30, tzinfo=UTC), datetime(2026, 8, 26, tzinfo=UTC)),
                          (datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 20, 18, tzinfo=UTC)))


def test_a_period_within_a_day_is_one_edge_and_one_at_midnight_none():
    inside = split(Period(datetime(2026, 11, 20, 6, tzinfo=UTC), datetime(2026, 11, 20, 18, tzinfo=UTC)))
    assert inside.days[0] == inside.days[1] and inside.months[0] == inside.months[1]
    assert inside.edges[0] == (datetime(2026, 11, 20, 6, tzinfo=UTC), datetime(2026, 11, 20, 18, tzinfo=UTC))
    month = split(Period(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)))
    assert month.months == (date(2026, 10, 1), date(2026, 11, 1)) and all(a == b for a, b in month.edges)


def test_a_period_at_the_end_of_time_is_empty_not_an_error():
    """`from=9999-12-31T01:00Z&to=9999-12-31T02:00Z` lies past what the database holds: the
    report is empty (it was a 500: the day after 9999-12-31 does not exist)."""
    from reporting.reports import _storable

    for start, end in [(datetime(9999, 12, 31, 1, tzinfo=UTC), datetime(9999, 12, 31, 2, tzinfo=UTC)),
                       (datetime(9999, 12, 31, 23, tzinfo=UTC), datetime.max.replace(tzinfo=UTC)),
                       (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 5, tzinfo=UTC))]:
        period = _storable(Period(start, end))
        assert period.start <= period.end
        part = split(period)
        assert part.days[0] == part.days[1] and part.months[0] == part.months[1]


def test_an_empty_or_reversed_period_has_no_days():
    at = datetime(2026, 3, 5, 12, tzinfo=UTC)
    part = split(Period(at, at))
    assert part.days[0] == part.days[1] and all(a >= b for a, b in part.edges)
