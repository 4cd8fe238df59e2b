"""The read model's plain data: what happened to leads, as the events told it."""

from dataclasses import dataclass, field
from datetime import datetime

FUNNEL = ("prospect", "marketing_lead", "sales_ready", "sales_accepted", "opportunity", "won")
RANK = {stage: i for i, stage in enumerate(FUNNEL)}


@dataclass(frozen=True)
class StageEvent:
    lead_id: str
    from_stage: str | None
    to_stage: str
    at: datetime
    reason: str = ""
    changed_by: str = ""


@dataclass(frozen=True)
class Touch:
    lead_id: str
    type: str
    at: datetime
    source: str | None = None
    campaign: str | None = None
    content_id: str | None = None

    @property
    def item(self) -> str:
        """What attribution credits: the content item when known, else the kind of touch."""
        return self.content_id or self.type


@dataclass(frozen=True)
class LeadFacts:
    """One lead's dimensions for slicing: first touch source/campaign, persona."""

    lead_id: str
    persona: str | None = None
    source: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class HandoffFacts:
    handoff_id: str
    lead_id: str
    handed_at: datetime
    first_contact_due: datetime
    hard_limit: datetime
    rep_id: str | None = None
    team: str | None = None
    responded_at: datetime | None = None


@dataclass
class Period:
    start: datetime
    end: datetime

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class History:
    """Everything the figures are computed from."""

    stages: list[StageEvent] = field(default_factory=list)
    touches: list[Touch] = field(default_factory=list)
    leads: dict[str, LeadFacts] = field(default_factory=dict)
    handoffs: list[HandoffFacts] = field(default_factory=list)
