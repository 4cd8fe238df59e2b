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
