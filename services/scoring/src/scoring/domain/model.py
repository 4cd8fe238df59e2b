"""Plain data the scoring rules work on."""

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class LeadProfile:
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    phone: str | None = None
    company_name: str | None = None
    domain: str | None = None
    employees: int | None = None
    annual_revenue_eur: int | None = None
    industry: str | None = None
    country: str | None = None
    bant: dict[str, str] = field(default_factory=dict)  # budget/authority/need/timeline answers
    # when each field (and each BANT answer, as "bant.<key>") was said: the occurred_at of the
    # touchpoint, as UTC ISO text with microseconds, so that texts compare as times
    said_at: dict[str, str] = field(default_factory=dict)

    def merged(self, newer: "LeadProfile", at: datetime | None = None) -> "LeadProfile":
        """What the person said last (by `at`, when it happened, not when it arrived) wins; what a
        touchpoint leaves out is kept. An older form arriving late fills only what is unknown or
        was said before it. A field said at no known time (stored before times were kept) yields."""
        when = _said_text(at) if at is not None else None
        values, said = dict(vars(self)), dict(self.said_at)
        for name in _FACTS:
            value = vars(newer)[name]
            if value is None or value == "" or (when is not None and said.get(name, "") > when):
                continue
            if when is not None:
                said[name] = when
            values[name] = value
        answers = {}
        for key, value in newer.bant.items():
            if when is None or said.get(f"bant.{key}", "") <= when:
                if when is not None:
                    said[f"bant.{key}"] = when
                answers[key] = value
        if answers:
            values["bant"] = {**self.bant, **answers}
        values["said_at"] = said
        # every touchpoint merges once (a replay merges millions): built without dataclasses.replace,
        # which costs twice the rest of this; frozen, so the new object's fields are set only here
        merged = object.__new__(LeadProfile)
        merged.__dict__.update(values)
        return merged

    def said_before(self, cutoff: datetime) -> "LeadProfile":
        """What the person had said before `cutoff` and not since: each field (and BANT answer) last
        said before it, and those said at no known time; what was said since is left out, with its
        time. A replay of the touchpoints kept from `cutoff` on (older ones were purged) starts
        here and ends where the lead's profile is: a field said since comes back from the kept
        touchpoints that said it, one not said since is said only here."""
        when = _said_text(cutoff)

        def before(name: str) -> bool:
            return self.said_at.get(name, "") < when  # never timed: "" yields to any time

        fields = {k: v if before(k) else None for k, v in vars(self).items() if k not in ("bant", "said_at")}
        return replace(self, **fields, bant={k: v for k, v in self.bant.items() if before(f"bant.{k}")},
                       said_at={k: v for k, v in self.said_at.items() if v < when})

    @property
    def email_domain(self) -> str | None:
        return self.email.rsplit("@", 1)[1] if self.email and "@" in self.email else None


_FACTS = tuple(f.name for f in fields(LeadProfile) if f.name not in ("bant", "said_at"))


def _said_text(at: datetime) -> str:
    """A moment as `said_at` keeps it: UTC ISO text with microseconds, so texts compare as times."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Activity:
    touchpoint_id: str
    type: str
    occurred_at: datetime
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoreLine:
    """One reason for points: a ledger entry for behaviour, an assessment line for fit."""

    rule: str
    points: float
    touchpoint_id: str | None = None
    detail: str | None = None
    occurred_at: datetime | None = None
    strong: bool = False  # a late-stage buying signal


@dataclass(frozen=True)
class FitAssessment:
    score: float
    grade: str
    persona: str | None
    qualifies: bool
    lines: tuple[ScoreLine, ...]
    exclusion: str | None = None  # why the lead is disqualified, if it is
    authority: str | None = None  # the persona's authority level: decision_maker, executive, ...


@dataclass(frozen=True)
class StageDecision:
    to_stage: str
    reason: str
    evidence: tuple[ScoreLine, ...] = ()
