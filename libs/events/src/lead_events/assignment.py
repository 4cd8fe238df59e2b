"""Which sales rep a handoff went to, and why (part of `lead.handed_off` and `lead.sla_breached`)."""

from pydantic import Field

from .envelope import Payload


class RepAssignment(Payload):
    rep_id: str | None = Field(None, description="Empty when no rep was available; the CRM's own rules decide.")
    rep_name: str | None = None
    rep_email: str | None = None
    crm_owner_id: str | None = Field(None, description="The rep's user/owner id in the CRM.")
    team: str | None = None
    rule: str = Field(description="named_account | territory | default_team | reassigned | unassigned")
    reason: str = Field(description="Why this rep, in one sentence a salesperson can read.")
    explanation: list[str] = Field(default_factory=list, description="Every step of the routing decision.")
    routing_version: str | None = None
