from datetime import timedelta

import pytest
from nurture.domain.delivery import DELIVERED, FAILED, PENDING, after_attempt, may_deliver

from .builders import NOW

SECOND = timedelta(seconds=1)


def decide(attempt, status_code, retry_after=None, max_attempts=8):
    return after_attempt(attempt, status_code, NOW, max_attempts=max_attempts, base=2.0, cap=600.0,
                         retry_after=retry_after)


@pytest.mark.parametrize("code", [200, 201, 202, 204])
def test_any_2xx_is_delivered(code):
    assert decide(1, code).status == DELIVERED


@pytest.mark.parametrize(("attempt", "wait"), [(1, 2), (2, 4), (3, 8), (6, 64)])
def test_server_errors_are_retried_with_exponential_backoff(attempt, wait):
    result = decide(attempt, 503)
    assert (result.status, result.next_attempt_at) == (PENDING, NOW + wait * SECOND)


def test_backoff_is_capped():
    assert decide(12, 500, max_attempts=20).next_attempt_at == NOW + 600 * SECOND


def test_a_timeout_or_connection_error_is_retried():
    assert decide(1, None).status == PENDING


def test_retry_after_of_the_server_is_honoured_up_to_the_cap():
    assert decide(1, 429, retry_after=30).next_attempt_at == NOW + 30 * SECOND
    assert decide(1, 503, retry_after=3600).next_attempt_at == NOW + 600 * SECOND


@pytest.mark.parametrize("code", [408, 425, 429])
def test_timeout_and_too_many_requests_are_retried(code):
    assert decide(1, code).status == PENDING


@pytest.mark.parametrize("code", [400, 401, 404, 409, 422])
def test_other_client_errors_fail_at_once(code):
    assert decide(1, code) == after_attempt(1, code, NOW, max_attempts=8, base=2, cap=600)
    assert decide(1, code).status == FAILED


def test_gives_up_after_max_attempts():
    assert decide(8, 500).status == FAILED
    assert decide(7, 500).status == PENDING


def test_unsubscribe_after_the_step_was_queued_cancels_the_push():
    assert may_deliver(False, NOW, paused=False, queued_at=NOW - SECOND) is not None
    assert may_deliver(True, NOW, paused=False, queued_at=NOW - SECOND) is not None  # unsubscribed, opted in again


def test_withdrawn_consent_cancels_the_push():
    assert may_deliver(False, None, paused=False) is not None


def test_an_unsubscribe_before_a_new_opt_in_and_the_step_does_not_cancel_it():
    assert may_deliver(True, NOW - timedelta(days=3), paused=False, queued_at=NOW) is None


def test_a_pause_holds_rather_than_cancels():
    assert may_deliver(False, NOW, paused=True) is None
