"""A report's period: a `to` in the year 1 is a period, not an overflow (a 500 before)."""

from datetime import UTC, datetime, timedelta

from reporting.api import period_of


def test_the_default_start_of_a_period_ending_in_the_year_1_is_the_earliest_time():
    end = datetime(1, 1, 1, 12, 20, 15, tzinfo=UTC)
    period = period_of(None, end)
    assert (period.start, period.end) == (datetime.min.replace(tzinfo=UTC), end)


def test_the_default_start_is_thirty_days_before_the_end():
    end = datetime(2026, 11, 22, tzinfo=UTC)
    assert period_of(None, end).start == end - timedelta(days=30)
