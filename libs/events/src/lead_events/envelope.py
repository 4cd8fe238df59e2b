"""The envelope every event on every topic carries; `data` depends on `event_type`."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


# The first and last instants there are: PostgreSQL's driver (asyncpg) writes them as -infinity
# and infinity and reads them back without a zone, so no timestamp column can hold them.
_ENDS = (datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))


def in_utc_range(v: datetime) -> datetime:
    """A time that lies outside the years 1 to 9999 in UTC (0001-01-01T00:00+14:00) cannot be
    compared or stored, nor can either end of that range: refused like any invalid value."""
    try:
        utc = v.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time lies outside the years 1 to 9999 in UTC") from None
    if utc in _ENDS:
        raise ValueError(f"{utc.isoformat()} is an end of the time range, which the database stores as infinity")
    return v


def _utc_if_naive(v: datetime) -> datetime:
    """A producer that leaves out the zone (another team's CRM writing crm.feedback) means UTC,
    so every timestamp compares with every other."""
    return in_utc_range(v if v.tzinfo is not None else v.replace(tzinfo=UTC))


# Every timestamp in an event: one without a zone is read as UTC.
Timestamp = Annotated[datetime, AfterValidator(_utc_if_naive)]

# How far a sender's clock may run ahead of ours: a time later than now + this has not happened.
CLOCK_SKEW = timedelta(minutes=5)


def is_ahead(at: datetime, now: datetime, skew: timedelta = CLOCK_SKEW) -> bool:
    """`at` lies in the future, beyond the clock skew allowed."""
    return at > now + skew


def span_before(at: datetime, span: timedelta) -> datetime:
    """`at - span`, or the earliest time there is: a valid time in the year 1 (a touchpoint, a
    report's end) must not overflow the window that reaches back from it."""
    return at - span if at - _ENDS[0] > span else _ENDS[0]


class Payload(BaseModel):
    """Base of every `data` model: frozen, tolerant of fields added by newer producers."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    EVENT_TYPE: ClassVar[str] = ""

    event_id: str = Field(description="Unique id; the idempotency key for every consumer.")
    event_type: str = Field(description="Lower-case, dotted, past tense, e.g. `lead.scored`.")
    schema_version: int = Field(1, description="Bumped on a breaking change of `data`.")
    lead_id: str = Field(description="See `lead_events.identity.lead_id_for`; the message key.")
    occurred_at: Timestamp = Field(description="When the fact happened in the world.")
    recorded_at: Timestamp = Field(description="When leadflow recorded it.")
    correlation_id: str = Field(description="Id of the touchpoint that started this chain.")
    causation_id: str | None = Field(None, description="event_id of the event that caused this one.")
    data: Any

    @classmethod
    def new(
        cls,
        *,
        lead_id: str,
        data: Payload,
        occurred_at: datetime | None = None,
        cause: "Envelope | None" = None,
        event_id: str | None = None,
        correlation_id: str | None = None,
    ) -> Self:
        """A new event; `cause` carries the correlation on and becomes the causation."""
        now = datetime.now(UTC)
        event_id = event_id or str(uuid.uuid4())
        return cls(
            event_id=event_id,
            event_type=cls.EVENT_TYPE,
            lead_id=lead_id,
            occurred_at=occurred_at or now,
            recorded_at=now,
            correlation_id=correlation_id or (cause.correlation_id if cause else event_id),
            causation_id=cause.event_id if cause else None,
            data=data,
        )


def derived_event_id(*parts: str) -> str:
    """A deterministic event id, so a re-run of the same step produces the same event."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "leadflow:" + "|".join(parts)))
