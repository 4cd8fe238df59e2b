"""The running behaviour state gives what summing the whole ledger gives, whatever the order the
lines came in, the moments they were applied at, a line dated ahead of the clock, or a reset."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring.domain.behaviour_state import LATEST, STRONGEST, BehaviourState
from scoring.domain.model import ScoreLine
from scoring.domain.rules.decay import decayed, engagement_at

T0 = datetime(2026, 1, 1, tzinfo=UTC)
HALF_LIFE = 30.0


def _line(i: int, hours: float, points: float) -> ScoreLine:
    return ScoreLine(f"behaviour.r{i % 3}", points, f"tp-{i}", None, T0 + timedelta(hours=hours))


lines_and_reads = st.lists(
    st.tuples(
        st.floats(0, 24 * 400),  # when the line happened, hours after T0
        st.sampled_from([-5.0, 1.0, 2.0, 3.0, 5.0, 8.0, 12.5, 20.0]),
        st.floats(-0.2, 48),  # hours between that moment and the clock when it is applied (< 0: ahead)
    ),
    min_size=1, max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(lines_and_reads, st.floats(0, 24 * 400), st.floats(1, 24 * 30))
def test_engagement_equals_the_sum_of_the_ledger_decayed_to_the_moment_of_reading(items, since_hours, read_after):
    since = T0 + timedelta(hours=since_hours) if since_hours > 200 * 24 else None
    state = BehaviourState(HALF_LIFE, since)
    ledger = []
    clock = T0
    for i, (hours, points, lag) in enumerate(items):
        line = _line(i, hours, points)
        clock = max(clock, line.occurred_at + timedelta(hours=lag))  # a consumer's clock moves forward
        state = state.with_lines([line], clock)
        ledger.append(line)
        expected = engagement_at(ledger, clock, HALF_LIFE, since)
        assert abs(state.engagement(clock) - expected) < 1e-6 * max(1.0, abs(expected))
    later = clock + timedelta(hours=read_after)
    expected = engagement_at(ledger, later, HALF_LIFE, since)
    assert abs(state.engagement(later) - expected) < 1e-6 * max(1.0, abs(expected))

    again = BehaviourState.from_json(state.to_json())
    assert again == state
    rebuilt = BehaviourState.of(ledger, HALF_LIFE, clock, since)
    assert abs(rebuilt.engagement(later) - expected) < 1e-6 * max(1.0, abs(expected))

    counted = [l for l in ledger if since is None or l.occurred_at >= since]
    by_strength = sorted((decayed(l.points, l.occurred_at, later, HALF_LIFE) for l in counted if l.points > 0),
                         reverse=True)[:STRONGEST]
    kept = sorted((decayed(l.points, l.occurred_at, later, HALF_LIFE) for l in state.strongest), reverse=True)
    assert [round(x, 6) for x in kept] == [round(x, 6) for x in by_strength]
    assert sorted(l.occurred_at for l in state.latest) == sorted(l.occurred_at for l in counted)[-LATEST:]


def test_a_line_dated_ahead_of_the_clock_counts_undecayed_until_its_time_comes():
    now = T0 + timedelta(days=10)
    ahead = ScoreLine("behaviour.pricing_viewed", 10.0, "tp", None, now + timedelta(minutes=4))
    state = BehaviourState(HALF_LIFE).with_lines([ahead], now)
    assert state.engagement(now) == 10.0
    later = now + timedelta(days=30, minutes=4)
    assert abs(state.engagement(later) - 5.0) < 1e-9


def test_the_lines_it_keeps_stay_bounded_however_long_the_history():
    state = BehaviourState(HALF_LIFE)
    for i in range(2_000):
        state = state.with_lines([_line(i, i, 1.0 + i % 7)], T0 + timedelta(hours=i))
    assert len(state.strongest) == STRONGEST and len(state.latest) == LATEST
    assert len(state.to_json()["strongest"]) + len(state.to_json()["latest"]) == STRONGEST + LATEST
