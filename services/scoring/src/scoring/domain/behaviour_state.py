"""A lead's behaviour as running state, so that applying a touchpoint costs the same whatever the
lead's history (the ledger stays the truth for explanations and replays; this is rebuilt from it).

Engagement is the sum of the counted ledger lines, each decayed to the moment of reading. Decay
is one factor for every line, so the sum carried to another moment is the sum times that
moment's factor: `value` is the sum as of `as_of`, and reading it at `now` costs one power. A
line dated after the moment it was applied counts undecayed until then (as `score_lead` does),
so it waits in `ahead` and joins the sum once time has caught up with it.

The lines that explain the score are kept bounded: the strongest positive ones (by a weight
that decay does not reorder) and the latest ones by time.
"""

import math
from dataclasses import dataclass, field, replace
from operator import itemgetter
from datetime import UTC, datetime, timedelta

from .model import ScoreLine
from .rules.decay import decayed

STRONGEST = 10  # a stage change's evidence shows the ten strongest behaviour lines
LATEST = 25  # a handoff's activity timeline shows the 25 latest
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_DAY = 86_400.0


def _strength(line: ScoreLine, half_life_days: float) -> float:
    """Orders positive lines as their decayed points do at any moment after both happened."""
    return math.log2(line.points) + (line.occurred_at - _EPOCH).total_seconds() / _DAY / half_life_days


@dataclass(frozen=True)
class BehaviourState:
    half_life_days: float
    since: datetime | None = None  # lines before it do not count (a recycle reset engagement)
    value: float = 0.0  # the counted lines no later than `as_of`, each decayed to `as_of`
    as_of: datetime | None = None
    ahead: tuple[ScoreLine, ...] = ()  # counted lines dated after `as_of`: undecayed until then
    strongest: tuple[ScoreLine, ...] = ()
    # the latest lines as stored (_line_json): read only when a stage change shows the timeline,
    # so most touchpoints neither decode nor encode them
    latest_stored: tuple[tuple, ...] = ()
    # False for a replay that only decides stages: the explaining lines are then not kept
    explained: bool = field(default=True, compare=False)

    @property
    def latest(self) -> tuple[ScoreLine, ...]:
        return tuple(_line(d) for d in self.latest_stored)

    @classmethod
    def of(cls, lines: list[ScoreLine], half_life_days: float, now: datetime, since: datetime | None = None,
           explained: bool = True) -> "BehaviourState":
        """Rebuilt from ledger lines (a lead stored before this state existed, a recycle, a switch)."""
        return cls(half_life_days, since, explained=explained).with_lines(lines, now)

    def counts(self, line: ScoreLine) -> bool:
        return line.occurred_at is not None and (self.since is None or line.occurred_at >= self.since)

    def with_lines(self, lines: list[ScoreLine], now: datetime) -> "BehaviourState":
        value, ahead = self._carried(now)
        # in UTC, as they come back from storage, so a line reads the same before and after
        counted = [l if l.occurred_at.tzinfo is UTC else replace(l, occurred_at=l.occurred_at.astimezone(UTC))
                   for l in lines if self.counts(l)]
        if counted:
            ahead = list(ahead)
            for line in counted:
                if line.occurred_at > now:
                    ahead.append(line)
                else:
                    value += decayed(line.points, line.occurred_at, now, self.half_life_days)
            ahead = tuple(ahead)
        if not counted or not self.explained:
            return self._moved(value, now, ahead)
        positive = [l for l in (*self.strongest, *counted) if l.points > 0]
        strongest = sorted(positive, key=lambda l: -_strength(l, self.half_life_days))[:STRONGEST]
        latest = sorted((*self.latest_stored, *map(_line_json, counted)), key=_AT)[-LATEST:]
        return self._moved(value, now, ahead, tuple(strongest), tuple(latest))

    def _moved(self, value: float, as_of: datetime, ahead: tuple, strongest: tuple | None = None,
               latest: tuple | None = None) -> "BehaviourState":
        """This state with a new sum (the constructor: `dataclasses.replace` costs several times more)."""
        return BehaviourState(self.half_life_days, self.since, value, as_of, ahead,
                              self.strongest if strongest is None else strongest,
                              self.latest_stored if latest is None else latest, self.explained)

    def _carried(self, now: datetime) -> tuple[float, tuple[ScoreLine, ...]]:
        """The sum carried to `now`, with the lines whose time has come folded in, and those still ahead."""
        if self.as_of is None:
            return self.value, self.ahead
        value = self.value * 0.5 ** ((now - self.as_of).total_seconds() / _DAY / self.half_life_days)
        if not self.ahead:
            return value, ()
        value += sum(decayed(l.points, l.occurred_at, now, self.half_life_days) for l in self.ahead if l.occurred_at <= now)
        return value, tuple(l for l in self.ahead if l.occurred_at > now)

    def engagement(self, now: datetime) -> float:
        value, ahead = self._carried(now)
        return value + sum(l.points for l in ahead)

    # --- stored as JSON beside the lead ------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "half_life_days": self.half_life_days, "since": _iso(self.since), "value": self.value,
            "as_of": _iso(self.as_of), "ahead": [_line_json(l) for l in self.ahead],
            "strongest": [_line_json(l) for l in self.strongest], "latest": self.latest_stored,
        }

    @classmethod
    def from_json(cls, doc: dict) -> "BehaviourState":
        return cls(
            doc["half_life_days"], _time(doc["since"]), doc["value"], _time(doc["as_of"]),
            tuple(_line(d) for d in doc["ahead"]), tuple(_line(d) for d in doc["strongest"]),
            tuple(map(tuple, doc["latest"])),
        )


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


_MICROSECOND = timedelta(microseconds=1)


def _line_json(l: ScoreLine) -> tuple:
    """Compact, and the time as whole microseconds since _EPOCH: exact, and cheaper than ISO text."""
    return (l.rule, l.points, l.touchpoint_id, l.detail, (l.occurred_at - _EPOCH) // _MICROSECOND, l.strong)


_AT = itemgetter(4)  # a stored line's time


def _line(d: list) -> ScoreLine:
    return ScoreLine(d[0], d[1], d[2], d[3], _EPOCH + timedelta(microseconds=d[4]), d[5])
