from datetime import UTC, datetime, timedelta

import pytest

from handoff.domain.delivery import (
    MAX_RETRY_AFTER_SECONDS,
    AttemptResult,
    Backoff,
    DeliveryStatus,
    is_retryable,
    next_step,
    retry_delay,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
BACKOFF = Backoff(base_seconds=2, max_seconds=600)


def step(attempt: int, status: int | None, retry_after: float | None = None, max_attempts: int = 8):
    return next_step(attempt, status, NOW, max_attempts=max_attempts, backoff=BACKOFF, jitter=0.5,
                     retry_after=retry_after)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_delivered(status):
    result = step(1, status)
    assert (result.result, result.status, result.next_attempt_at) == (
        AttemptResult.DELIVERED, DeliveryStatus.DELIVERED, None)


@pytest.mark.parametrize("status", [None, 408, 429, 500, 502, 503, 504])
def test_timeouts_throttling_and_server_errors_are_retried(status):
    assert is_retryable(status)
    result = step(1, status)
    assert result.status == DeliveryStatus.PENDING
    assert result.next_attempt_at > NOW


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_other_client_errors_fail_at_once(status):
    assert not is_retryable(status)
    assert step(1, status).status == DeliveryStatus.FAILED


def test_the_last_attempt_of_the_budget_fails_the_handoff():
    assert step(7, 503, max_attempts=8).status == DeliveryStatus.PENDING
    final = step(8, 503, max_attempts=8)
    assert (final.result, final.status, final.next_attempt_at) == (AttemptResult.FAILED, DeliveryStatus.FAILED, None)


def test_a_success_on_the_last_attempt_still_counts():
    assert step(8, 200, max_attempts=8).status == DeliveryStatus.DELIVERED


@pytest.mark.parametrize("attempt", range(1, 12))
@pytest.mark.parametrize("jitter", [0.0, 0.3, 0.999])
def test_delay_lies_between_half_and_all_of_the_exponential_step(attempt, jitter):
    full = min(600, 2 * 2 ** (attempt - 1))
    assert full / 2 <= retry_delay(attempt, BACKOFF, jitter) <= full


def test_delay_doubles_per_attempt_until_the_cap():
    delays = [retry_delay(n, BACKOFF, jitter=0.0) for n in range(1, 12)]
    assert delays[:4] == [1, 2, 4, 8]
    assert max(delays) == 300  # half of the 600 s cap at jitter 0


def test_retry_after_is_honoured_when_longer_than_the_backoff():
    assert retry_delay(1, BACKOFF, 0.5, retry_after=30) == 30


def test_backoff_wins_when_longer_than_retry_after():
    assert retry_delay(6, BACKOFF, 0.0, retry_after=1) == 32


def test_an_absurd_retry_after_is_capped():
    assert retry_delay(1, BACKOFF, 0.0, retry_after=10 * 86400) == MAX_RETRY_AFTER_SECONDS


def test_next_attempt_time_uses_retry_after():
    assert step(1, 429, retry_after=120).next_attempt_at == NOW + timedelta(seconds=120)


def test_a_failure_while_the_crm_is_down_spends_no_budget_and_waits_for_the_breaker():
    until = NOW + timedelta(minutes=5)
    result = next_step(8, 503, NOW, max_attempts=8, backoff=BACKOFF, jitter=0.5, crm_down_until=until)
    assert (result.result, result.next_attempt_at) == (AttemptResult.RETRY, until)


def test_a_refusal_fails_even_while_the_crm_is_down():
    result = next_step(1, 400, NOW, max_attempts=8, backoff=BACKOFF, jitter=0.5, crm_down_until=NOW)
    assert result.status is DeliveryStatus.FAILED
