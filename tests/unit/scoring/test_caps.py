"""Caps by event time: fixed periods, the earliest touchpoints get the points, a late one takes
its place and the ones it displaces are corrected, so any arrival order ends the same."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring.domain.rules import behaviour_lines
from scoring.domain.rules.caps import ORIGIN, period_of

from .helpers import NOW, an_activity, sample_policy

VISIT = "behaviour.page_visited"  # 1 point each, at most 10 per 30 days in the sample agreement


def fold(visits: list[tuple[datetime, str]]) -> list:
    ledger = []
    for at, id_ in visits:
        ledger += behaviour_lines(an_activity("page_visited", at, id_), ledger, sample_policy())
    return ledger


def per_touchpoint(ledger) -> dict[str, float]:
    net = defaultdict(float)
    for line in ledger:
        if line.rule == VISIT:
            net[line.touchpoint_id] += line.points
    return {tid: round(points, 9) for tid, points in net.items() if round(points, 9)}


def test_periods_are_fixed_and_weeks_start_on_monday():
    start, end = period_of(datetime(2026, 12, 9, 15, 0, tzinfo=UTC), 7)  # a Wednesday
    assert (start, end) == (datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC))
    assert period_of(ORIGIN, 30)[0] == ORIGIN


def test_periods_at_the_ends_of_time_do_not_overflow():
    assert period_of(datetime(1, 1, 1, 0, 0, 5, tzinfo=UTC), 30)[0] == datetime.min.replace(tzinfo=UTC)
    assert period_of(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), 30)[1] == datetime.max.replace(tzinfo=UTC)


def test_a_late_visit_takes_its_place_and_the_last_one_of_the_period_gives_its_point_back():
    start, _ = period_of(NOW, 30)
    on_time = [(start + timedelta(hours=1 + i), f"v{i}") for i in range(10)]  # 10 points: the cap
    ledger = fold(on_time)
    late = behaviour_lines(an_activity("page_visited", start, "early"), ledger, sample_policy())
    assert [(l.touchpoint_id, l.points) for l in late] == [("early", 1), ("v9", -1)]
    assert "arrived late" in late[1].detail and late[1].occurred_at == on_time[-1][0]
    assert sum(l.points for l in ledger + late) == 10


def test_a_late_visit_in_a_full_period_after_its_time_earns_nothing_and_corrects_nothing():
    start, _ = period_of(NOW, 30)
    ledger = fold([(start + timedelta(hours=i), f"v{i}") for i in range(10)])
    assert behaviour_lines(an_activity("page_visited", start + timedelta(days=2), "late"), ledger, sample_policy()) == []


visits = st.lists(st.integers(0, 90 * 24), min_size=1, max_size=40)  # hours over three periods


@settings(max_examples=200, deadline=None)
@given(visits, st.randoms())
def test_any_arrival_order_gives_every_visit_the_points_in_order_delivery_gives(hours, random):
    start, _ = period_of(NOW, 30)
    all_visits = [(start + timedelta(hours=h), f"v{i:02d}") for i, h in enumerate(hours)]
    in_order = fold(sorted(all_visits))
    shuffled = list(all_visits)
    random.shuffle(shuffled)
    assert per_touchpoint(fold(shuffled)) == per_touchpoint(in_order)
