"""The benchmark's arithmetic, pure: percentiles of timings and sizes per touchpoint."""


def percentiles(values: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds of timings in seconds (linear interpolation between closest ranks)."""
    if not values:
        return {"n": 0}
    xs = sorted(values)

    def q(p: float) -> float:
        k = (len(xs) - 1) * p
        lo = int(k)
        hi = min(lo + 1, len(xs) - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)

    return {"n": len(xs), "p50_ms": round(q(0.50) * 1000, 1), "p95_ms": round(q(0.95) * 1000, 1),
            "p99_ms": round(q(0.99) * 1000, 1), "max_ms": round(xs[-1] * 1000, 1)}


def per_touchpoint(before: int, after: int, touchpoints: int) -> int | None:
    """Bytes a touchpoint added: the growth of a store over the touchpoints that caused it."""
    return round((after - before) / touchpoints) if touchpoints > 0 else None


def human_bytes(n: float | None) -> str:
    """1,234 B, 12.3 kB, 4.6 GB: decimal units, three significant figures at most."""
    if n is None:
        return "n/a"
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" or abs(n) >= 1000 else f"{n:.3g} {unit}"
        n /= 1000
    raise AssertionError("unreachable")
