"""A missed sales follow-up deadline, on `handoff.leads` (the CRM and managers see it)."""

from typing import ClassVar, Literal

from pydantic import Field

from .assignment import RepAssignment
from .envelope import Envelope, Payload, Timestamp


class SlaBreachData(Payload):
    handoff_id: str
    episode: int
    deadline: Literal["first_contact", "hard_limit"] = Field(description="Which deadline passed.")
    due_at: Timestamp
    handed_at: Timestamp
    rep_id: str | None = Field(None, description="The rep who held the lead when the deadline passed.")
    team: str | None = None
    escalated_to: str | None = Field(None, description="Who is told: the team's escalation contact.")
    reassigned_to: RepAssignment | None = Field(None, description="Set when the lead moved to another rep.")
    next_first_contact_due: Timestamp | None = Field(None, description="The new rep's first-contact deadline.")


class LeadSlaBreached(Envelope):
    EVENT_TYPE: ClassVar[str] = "lead.sla_breached"
    event_type: Literal["lead.sla_breached"] = "lead.sla_breached"
    data: SlaBreachData
