"""Burrow-style status from offset samples."""

from lead_runtime.lag_status import OK, STALL, WARN, Sample, partition_status, trend, worst


def samples(*points: tuple[int, int], every: float = 10) -> list[Sample]:
    return [Sample(i * every, position, end) for i, (position, end) in enumerate(points)]


def test_caught_up_consumer_is_ok():
    assert partition_status(samples((5, 5), (9, 9), (12, 12)), window=20) == OK


def test_consumer_committing_with_steady_lag_is_ok():
    assert partition_status(samples((5, 10), (10, 15), (15, 20)), window=20) == OK


def test_position_standing_still_with_waiting_messages_for_the_window_is_stall():
    assert partition_status(samples((5, 10), (5, 12), (5, 20)), window=20) == STALL


def test_position_standing_still_for_part_of_the_window_is_warn():
    assert partition_status(samples((1, 10), (5, 10), (5, 12)), window=20) == WARN


def test_lag_growing_at_every_sample_while_committing_is_warn():
    assert partition_status(samples((1, 10), (2, 20), (3, 30)), window=20) == WARN


def test_idle_consumer_with_nothing_to_read_is_ok():
    assert partition_status(samples((7, 7), (7, 7), (7, 7)), window=20) == OK


def test_no_samples_is_ok():
    assert partition_status([], window=20) == OK


def test_worst_status_wins():
    assert worst([OK, STALL, WARN]) == STALL
    assert worst([]) == OK


def test_trend_names_each_lag_and_the_change():
    assert trend(samples((0, 12), (0, 30), (0, 41))) == "12 → 30 → 41 (+29)"
