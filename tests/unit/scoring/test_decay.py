from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from scoring.domain.model import ScoreLine
from scoring.domain.rules import decayed, engagement_at, falls_below_at

from .helpers import NOW


def test_points_halve_after_one_half_life():
    assert decayed(40, NOW, NOW + timedelta(days=30), 30) == 20


def test_future_dated_points_do_not_grow():
    assert decayed(40, NOW + timedelta(days=1), NOW, 30) == 40


def test_engagement_counts_only_since_a_reset():
    ledger = [ScoreLine("r", 10, "a", None, NOW), ScoreLine("r", 5, "b", None, NOW + timedelta(days=1))]
    assert engagement_at(ledger, NOW + timedelta(days=1), 1e9, since=NOW + timedelta(hours=1)) == 5


@given(
    points=st.floats(0, 1000),
    age=st.floats(0, 3650),
    later=st.floats(0, 3650),
    half_life=st.floats(0.5, 365),
)
def test_decay_is_monotonic_in_time(points, age, later, half_life):
    first = decayed(points, NOW, NOW + timedelta(days=age), half_life)
    second = decayed(points, NOW, NOW + timedelta(days=age + later), half_life)
    assert second <= first <= points


def test_review_time_is_when_decay_crosses_the_threshold():
    at = falls_below_at(base=25, engagement=30, threshold=40, now=NOW, half_life_days=30)
    assert at == NOW + timedelta(days=30, minutes=1)


def test_fit_alone_above_the_threshold_never_needs_review():
    assert falls_below_at(base=45, engagement=30, threshold=40, now=NOW, half_life_days=30) is None


def test_already_below_is_due_now():
    assert falls_below_at(base=10, engagement=5, threshold=40, now=NOW, half_life_days=30) == NOW


@given(base=st.floats(0, 100), engagement=st.floats(0, 500), threshold=st.floats(1, 200), half_life=st.floats(1, 365))
def test_at_the_review_time_the_total_is_below_the_threshold(base, engagement, threshold, half_life):
    at = falls_below_at(base, engagement, threshold, NOW, half_life)
    if at is None:
        assert base >= threshold
    else:
        assert base + decayed(engagement, NOW, at, half_life) < threshold + 1e-9
