"""Touchpoints: what ingest accepts over HTTP, and what it publishes or refuses."""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from .envelope import Envelope, Payload, Timestamp, in_utc_range


class TouchpointType(StrEnum):
    PAGE_VISITED = "page_visited"
    EMAIL_OPENED = "email_opened"
    EMAIL_CLICKED = "email_clicked"
    FORM_SUBMITTED = "form_submitted"
    WEBINAR_REGISTERED = "webinar_registered"
    WEBINAR_ATTENDED = "webinar_attended"
    EVENT_ATTENDED = "event_attended"
    WHITEPAPER_DOWNLOADED = "whitepaper_downloaded"
    CASE_STUDY_DOWNLOADED = "case_study_downloaded"
    TENDER_DOCUMENT_DOWNLOADED = "tender_document_downloaded"
    PRICING_VIEWED = "pricing_viewed"
    DEMO_REQUESTED = "demo_requested"
    CONTACT_REQUESTED = "contact_requested"
    UNSUBSCRIBED = "unsubscribed"
    EMAIL_BOUNCED = "email_bounced"  # the address does not take mail (a hard bounce): email stops


class Company(Payload):
    name: str | None = Field(None, max_length=300, examples=["Example Industrie GmbH"])
    domain: str | None = Field(None, max_length=253, examples=["example-industrie.de"])
    employees: int | None = Field(None, ge=0, le=10_000_000, examples=[850])
    annual_revenue_eur: int | None = Field(None, ge=0, examples=[120_000_000])
    industry: str | None = Field(None, max_length=100, examples=["manufacturing"])
    country: str | None = Field(None, max_length=2, min_length=2, examples=["DE"])

    # Case changes can change the length ("ß".upper() is "SS", "İ".lower() two characters): the
    # limits hold for the normalised value too, or every consumer would refuse what ingest accepted.
    @field_validator("domain")
    @classmethod
    def _lower_domain(cls, v: str | None) -> str | None:
        return _at_most(v.strip().lower(), 253) if v else v

    @field_validator("country")
    @classmethod
    def _upper_country(cls, v: str | None) -> str | None:
        if v and len(v.upper()) != 2:
            raise ValueError("a country is a two-letter code (ISO 3166-1), e.g. DE")
        return v.upper() if v else v


def _at_most(v: str, limit: int) -> str:
    if len(v) > limit:
        raise ValueError(f"String should have at most {limit} characters (lower-cased: {len(v)})")
    return v


class RecordedContact(Payload):
    """The contact as a published touchpoint carries it: ingest checked the email already, so a
    consumer reads it as text (re-validating every email on decode cost scoring ~8 % of its CPU
    in `make bench`)."""

    email: str | None = Field(None, max_length=254, json_schema_extra={"format": "email"},
                              examples=["anna.schmidt@example-industrie.de"])
    anonymous_id: str | None = Field(None, max_length=200, description="Website visitor id.")
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    job_title: str | None = Field(None, max_length=200, examples=["Leiterin Einkauf"])
    phone: str | None = Field(None, max_length=50)
    company: Company | None = None


class Contact(RecordedContact):
    """The contact as a sender posts it: the email is validated here, at the edge."""

    email: EmailStr | None = Field(None, max_length=254, examples=["anna.schmidt@example-industrie.de"])

    @field_validator("email")
    @classmethod
    def _normalise(cls, v: str | None) -> str | None:
        return v.strip().lower() if v else v


class Consent(Payload):
    email_marketing: bool | None = Field(None, description="Marketing email consent as given.")
    double_opt_in_at: Timestamp | None = None


# What `_needs_identity` enforces, said in the published schema so generated clients agree with it.
_IDENTIFIED = [
    {"required": ["email"], "properties": {"email": {"type": "string"}}},
    {"required": ["anonymous_id"], "properties": {"anonymous_id": {"type": "string", "pattern": "\\S"}}},
]


class TouchpointIn(BaseModel):
    """One touchpoint as a sender posts it to `POST /v1/touchpoints`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str | None = Field(
        None, min_length=1, max_length=200, description="The sender's id, used for de-duplication."
    )
    type: TouchpointType
    occurred_at: datetime = Field(description="ISO 8601 with a time zone.")
    source: str = Field(min_length=1, max_length=100, examples=["webinar-platform"])
    contact: Contact = Field(json_schema_extra={"anyOf": _IDENTIFIED})
    properties: dict[str, Any] = Field(default_factory=dict, examples=[{"questions_asked": 2}])
    consent: Consent | None = None

    @field_validator("occurred_at")
    @classmethod
    def _needs_zone(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("occurred_at needs a time zone, e.g. 2026-11-22T10:15:00Z")
        return in_utc_range(v)

    @field_validator("contact")
    @classmethod
    def _needs_identity(cls, v: Contact) -> Contact:
        if not v.email and not (v.anonymous_id or "").strip():
            raise ValueError("contact needs an email (or at least an anonymous_id)")
        return v


class TouchpointBatchIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    touchpoints: list[TouchpointIn] = Field(min_length=1, max_length=500)


class TouchpointData(Payload):
    type: TouchpointType
    source: str
    contact: RecordedContact
    properties: dict[str, Any] = Field(default_factory=dict)
    consent: Consent | None = None
    sender_event_id: str | None = Field(None, description="The sender's own id, if it sent one.")
    historical: bool = Field(
        False, description="Marked by an import of old data (`python -m ingest import --historical`): stored and"
        " scored, decayed, but it starts no fast lane, no nurture journey and no handoff by itself.",
    )

    @field_validator("contact", mode="before")
    @classmethod
    def _as_recorded(cls, v: Any) -> Any:
        """A sender's Contact becomes the recorded kind, so an event equals itself decoded."""
        return v.model_dump() if isinstance(v, Contact) else v


class TouchpointRecorded(Envelope):
    EVENT_TYPE: ClassVar[str] = "touchpoint.recorded"
    event_type: Literal["touchpoint.recorded"] = "touchpoint.recorded"
    data: TouchpointData


def is_historical(event: TouchpointRecorded, horizon: timedelta) -> bool:
    """Marked historical, or it happened longer than `horizon` before it arrived (a sender's backlog,
    an old export): it counts, but nobody acts on it as if it had just happened."""
    return event.data.historical or event.recorded_at - event.occurred_at > horizon


class RejectionData(Payload):
    source: str | None = Field(None, description="The source the sender named, if any.")
    reason: str = Field(description="What was wrong, in words a person can act on.")
    errors: list[dict[str, Any]] = Field(default_factory=list, description="Field-level details.")
    raw_body: str = Field(description="The body as received (base64 if it was not UTF-8).")
    raw_body_encoding: Literal["utf-8", "base64"] = "utf-8"
    content_type: str | None = None
    received_at: Timestamp


class TouchpointRejected(Envelope):
    EVENT_TYPE: ClassVar[str] = "touchpoint.rejected"
    event_type: Literal["touchpoint.rejected"] = "touchpoint.rejected"
    data: RejectionData
