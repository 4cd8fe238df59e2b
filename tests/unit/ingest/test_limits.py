from ingest.domain.limits import InFlight, TokenBucket, retry_after_seconds


def test_a_full_bucket_allows_a_burst_then_says_how_long_to_wait():
    bucket = TokenBucket(rate=2, burst=3)
    assert [bucket.take(100.0) for _ in range(3)] == [None, None, None]
    assert bucket.take(100.0) == 0.5


def test_tokens_come_back_at_the_rate_up_to_the_burst():
    bucket = TokenBucket(rate=2, burst=3)
    for _ in range(3):
        bucket.take(0.0)
    assert bucket.take(0.5) is None  # one token back after half a second
    assert bucket.take(0.5) is not None
    assert [bucket.take(1000.0) for _ in range(4)][:3] == [None, None, None]  # never more than the burst


def test_a_clock_going_backwards_adds_no_tokens():
    bucket = TokenBucket(rate=1, burst=1)
    bucket.take(10.0)
    assert bucket.take(5.0) is not None


def test_retry_after_is_whole_seconds_and_at_least_one():
    assert retry_after_seconds(0.01) == 1
    assert retry_after_seconds(2.2) == 3


def test_in_flight_refuses_beyond_its_limit_until_one_leaves():
    gate = InFlight(2)
    assert gate.try_enter() and gate.try_enter()
    assert not gate.try_enter()
    gate.leave()
    assert gate.try_enter()
