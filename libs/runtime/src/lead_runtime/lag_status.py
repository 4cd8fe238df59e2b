"""Burrow-style status of a consumer from a few samples of its offsets (pure: no I/O).

- OK: caught up, or the committed offset moves and the lag does not keep growing.
- WARN: the lag grew at every sample although the consumer commits (it falls behind), or the
  committed offset has stood still with lag for part of the window.
- STALL: the committed offset has not moved for the whole window while messages wait.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OK, WARN, STALL = "OK", "WARN", "STALL"
_RANK = {OK: 0, WARN: 1, STALL: 2}


@dataclass(frozen=True)
class Sample:
    at: float  # seconds, any monotonic clock
    position: int  # committed offset (or the log start when none)
    end: int  # log-end offset

    @property
    def lag(self) -> int:
        return max(self.end - self.position, 0)


def partition_status(samples: Sequence[Sample], window: float) -> str:
    if not samples or samples[-1].lag == 0:
        return OK
    latest = samples[-1]
    stuck_since = latest.at
    for sample in reversed(samples):  # how long has the position stood still with lag?
        if sample.position != latest.position or sample.lag == 0:
            break
        stuck_since = sample.at
    if latest.at - stuck_since >= window:
        return STALL
    if len(samples) > 1 and stuck_since < latest.at:
        return WARN
    recent = [s for s in samples if s.at >= latest.at - window]
    if len(recent) >= 3 and all(b.lag > a.lag for a, b in zip(recent, recent[1:])):
        return WARN
    return OK


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=_RANK.__getitem__, default=OK)


def status_code(status: str) -> int:
    return _RANK[status]


def trend(samples: Sequence[Sample]) -> str:
    """`12 → 30 → 41 (+29)`: the lag at each sample and the change over them."""
    lags = [s.lag for s in samples]
    if not lags:
        return "-"
    change = lags[-1] - lags[0]
    return " → ".join(str(lag) for lag in lags) + (f" ({change:+d})" if len(lags) > 1 else "")
