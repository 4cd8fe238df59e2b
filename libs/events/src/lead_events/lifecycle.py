"""Stages of a lead and the event that records every change of stage."""

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from .envelope import Envelope, Payload, Timestamp
from .touchpoints import Company, Consent


class Stage(StrEnum):
    PROSPECT = "prospect"
    MARKETING_LEAD = "marketing_lead"
    SALES_READY = "sales_ready"
    SALES_ACCEPTED = "sales_accepted"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"
    RECYCLED = "recycled"
    DISQUALIFIED = "disqualified"


class Evidence(Payload):
    rule: str = Field(description="The agreement rule that applied, e.g. `behaviour.webinar_attended`.")
    points: float | None = None
    touchpoint_id: str | None = Field(None, description="event_id of the touchpoint behind it.")
    detail: str | None = None
    occurred_at: Timestamp | None = Field(None, description="When the touchpoint behind it happened.")


class ConsentRecord(Consent):
    """Consent as scoring holds it: what was stated, by which source, and when."""

    source: str | None = Field(None, description="The touchpoint source that carried the consent.")
    stated_at: Timestamp | None = Field(None, description="When it was stated (the touchpoint's occurred_at).")
    recorded_at: Timestamp | None = Field(None, description="When leadflow recorded it.")


class LeadSnapshot(Payload):
    """What downstream services need to act without calling back."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    phone: str | None = None
    company: Company | None = None
    persona: str | None = None
    fit_score: float = 0
    fit_grade: str | None = None
    engagement_score: float = 0
    total_score: float = 0
    consent: ConsentRecord | None = None
    timeline: list[Evidence] = Field(
        default_factory=list, description="The lead's activity, oldest first (the latest 25), with the points each earned."
    )

    @field_validator("consent", mode="before")
    @classmethod
    def _record_from_consent(cls, v: object) -> object:
        """A plain Consent (as a touchpoint states it) is a record without source and time."""
        return v.model_dump() if isinstance(v, Consent) and not isinstance(v, ConsentRecord) else v


class StageChangeData(Payload):
    from_stage: Stage | None
    to_stage: Stage
    reason: str = Field(description="Why, in words a salesperson can read.")
    evidence: list[Evidence] = Field(default_factory=list)
    changed_by: str = Field(description="The service that decided: scoring or handoff.")
    episode: int = Field(0, description="Counts sales-ready episodes; a lead is handed off once per episode.")
    agreement_version: str | None = None
    snapshot: LeadSnapshot = Field(default_factory=LeadSnapshot)


class LeadStageChanged(Envelope):
    EVENT_TYPE: ClassVar[str] = "lead.stage_changed"
    event_type: Literal["lead.stage_changed"] = "lead.stage_changed"
    data: StageChangeData
