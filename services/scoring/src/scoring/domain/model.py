"""Plain data the scoring rules work on."""

from dataclasses import dataclass, field, replace
from datetime import datetime
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

    def merged(self, newer: "LeadProfile") -> "LeadProfile":
        """What a later touchpoint says wins; what it leaves out is kept."""
        changes = {k: v for k, v in vars(newer).items() if v not in (None, "", {})}
        if newer.bant:
            changes["bant"] = {**self.bant, **newer.bant}
        return replace(self, **changes)

    @property
    def email_domain(self) -> str | None:
        return self.email.rsplit("@", 1)[1] if self.email and "@" in self.email else None


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
