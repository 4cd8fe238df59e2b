"""The scoring service's view of one lead."""

from dataclasses import dataclass, field
from datetime import datetime

from .behaviour_state import BehaviourState
from .model import LeadProfile


@dataclass
class LeadState:
    lead_id: str
    profile: LeadProfile
    stage: str
    agreement_version: str
    persona: str | None = None
    episode: int = 0
    engagement_since: datetime | None = None
    consent: dict | None = None
    review_at: datetime | None = None  # when decay may drop the lead a stage; None: never
    behaviour: BehaviourState | None = None  # None: rebuilt from the ledger when next needed
    is_new: bool = field(default=False, compare=False)

    def behaviour_current(self, half_life_days: float) -> bool:
        """The running state can be used as it is: it exists, under this half-life, since the
        lead's engagement last started (a recycle resets it); otherwise it is rebuilt from the ledger."""
        b = self.behaviour
        return b is not None and b.half_life_days == half_life_days and b.since == self.engagement_since
