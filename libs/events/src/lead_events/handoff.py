"""Handoffs to sales on `handoff.leads` and the CRM's answers on `crm.feedback`."""

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field

from .assignment import RepAssignment
from .envelope import Envelope, Payload, Timestamp
from .lifecycle import Evidence, LeadSnapshot


class HandoffData(Payload):
    handoff_id: str = Field(description="Idempotency key: the CRM creates at most one lead per id.")
    episode: int = Field(description="Sales-ready episode of this lead (1 for the first handoff).")
    lead: LeadSnapshot
    why_now: list[Evidence] = Field(default_factory=list, description="What made the lead sales-ready.")
    reason: str
    agreement_version: str | None = None
    sla_first_contact_due: Timestamp
    sla_hard_limit: Timestamp
    assigned_to: RepAssignment | None = Field(None, description="The sales rep chosen by the routing rules, and why.")


class LeadHandedOff(Envelope):
    EVENT_TYPE: ClassVar[str] = "lead.handed_off"
    event_type: Literal["lead.handed_off"] = "lead.handed_off"
    data: HandoffData


class Outcome(StrEnum):
    CONTACTED = "contacted"  # first contact made; the stage stays, the follow-up SLA is met
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"


class FeedbackData(Payload):
    outcome: Outcome
    reason: str | None = Field(None, examples=["not_ready", "competitor", "no_budget"])
    rep_id: str | None = None
    at: Timestamp
    handoff_id: str | None = None


class CrmFeedbackReceived(Envelope):
    EVENT_TYPE: ClassVar[str] = "crm.feedback_received"
    event_type: Literal["crm.feedback_received"] = "crm.feedback_received"
    data: FeedbackData
