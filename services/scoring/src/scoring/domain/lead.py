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
