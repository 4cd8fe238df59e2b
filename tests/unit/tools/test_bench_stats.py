"""The benchmark's arithmetic (tools/bench_stats.py) and its --quick flag."""

from tools.bench import QUICK, parse_args
from tools.bench_stats import human_bytes, per_touchpoint, percentiles


def test_percentiles_interpolate_between_closest_ranks_in_milliseconds():
    took = [i / 1000 for i in range(1, 21)]  # 1..20 ms
    assert percentiles(took) == {"n": 20, "p50_ms": 10.5, "p95_ms": 19.1, "p99_ms": 19.8, "max_ms": 20.0}


def test_percentiles_of_nothing_say_so():
    assert percentiles([]) == {"n": 0}


def test_one_timing_is_every_percentile():
    assert percentiles([0.25])["p95_ms"] == 250.0


def test_bytes_per_touchpoint_is_the_growth_over_the_touchpoints():
    assert per_touchpoint(8192, 8192 + 3_000_000, 1500) == 2000
    assert per_touchpoint(100, 200, 0) is None


def test_sizes_read_in_decimal_units():
    assert [human_bytes(n) for n in (None, 0, 999, 1234, 98_765, 1.5e6, 7.2e9)] == [
        "n/a", "0 B", "999 B", "1.23 kB", "98.8 kB", "1.5 MB", "7.2 GB"]


def test_quick_shrinks_every_phase_and_a_flag_given_too_wins():
    quick = parse_args(["--quick", "--touchpoints", "500"])
    assert quick.touchpoints == 500
    assert all(getattr(quick, k) == v for k, v in QUICK.items() if k != "touchpoints")
    full = parse_args([])
    assert all(getattr(full, k) > v for k, v in QUICK.items())
