"""The CRM push's circuit breaker as a pure state machine."""

from datetime import UTC, datetime, timedelta

from handoff.domain.breaker import Breaker, BreakerPolicy, BreakerState, allowance, is_crm_down, record

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
POLICY = BreakerPolicy(failure_threshold=3, cooldown=timedelta(seconds=30), max_cooldown=timedelta(seconds=100))


def failing(times: int, breaker: Breaker = Breaker()) -> Breaker:
    for _ in range(times):
        breaker = record(breaker, True, NOW, POLICY)
    return breaker


def test_a_closed_breaker_lets_the_whole_batch_through():
    assert allowance(Breaker(), NOW, 20) == (Breaker(), 20)


def test_it_opens_after_the_threshold_of_failures_in_a_row():
    assert failing(2).state is BreakerState.CLOSED
    opened = failing(3)
    assert opened.state is BreakerState.OPEN and opened.open_until == NOW + timedelta(seconds=30)
    assert allowance(opened, NOW + timedelta(seconds=29), 20)[1] == 0
    assert is_crm_down(opened)


def test_a_success_in_between_resets_the_count():
    breaker = record(failing(2), False, NOW, POLICY)
    assert failing(1, breaker).state is BreakerState.CLOSED


def test_after_the_cooldown_one_probe_goes_out_and_its_success_closes_the_breaker():
    half, allowed = allowance(failing(3), NOW + timedelta(seconds=30), 20)
    assert (half.state, allowed) == (BreakerState.HALF_OPEN, 1)
    assert allowance(half, NOW + timedelta(seconds=31), 20)[1] == 0  # the probe is still out
    assert record(half, False, NOW, POLICY) == Breaker()


def test_a_failed_probe_reopens_with_a_doubled_cooldown_up_to_the_cap():
    half, _ = allowance(failing(3), NOW + timedelta(seconds=30), 20)
    again = record(half, True, NOW, POLICY)
    assert again.state is BreakerState.OPEN and again.cooldown == timedelta(seconds=60)
    half, _ = allowance(again, NOW + timedelta(seconds=60), 20)
    assert record(half, True, NOW, POLICY).cooldown == timedelta(seconds=100)
