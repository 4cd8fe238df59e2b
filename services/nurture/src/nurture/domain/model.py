"""Plain data the nurture rules work on."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lead_events import Stage

# Stages in which a lead receives content, and those in which it has left nurturing.
NURTURING_STAGES = frozenset({Stage.PROSPECT, Stage.MARKETING_LEAD, Stage.RECYCLED})
WITH_SALES_STAGES = frozenset(
    {Stage.SALES_READY, Stage.SALES_ACCEPTED, Stage.OPPORTUNITY, Stage.WON, Stage.LOST}
)


@dataclass(frozen=True)
class LeadState:
    """What nurture knows of one lead, built from lifecycle events and touchpoints."""

    lead_id: str
    email: str | None = None
    persona: str | None = None
    stage: Stage | None = None  # None: only touchpoints seen so far
    consent: bool | None = None  # email_marketing: True, False or unknown
    consent_at: datetime | None = None  # when the consent we hold was stated
    consent_source: str | None = None  # the source (touchpoint source) that stated it
    unsubscribed_at: datetime | None = None
    # the last withdrawal (an unsubscribe or a form answered no): confirmations before it are void
    withdrawn_at: datetime | None = None
    handed_off: bool = False  # has been with sales at least once
    updated_at: datetime | None = None
    double_opt_in_at: datetime | None = None  # when the lead confirmed the opt-in
    country: str | None = None  # of the lead's company, ISO 3166 alpha-2
    time_zone: str | None = None  # IANA name, when a sender told us
    recycle_reason: str | None = None  # sales' rejection reason, chooses the recycle track
    known: frozenset[str] = frozenset()  # profile fields and BANT answers on record


@dataclass(frozen=True)
class SentStep:
    step_id: str
    content_id: str
    title: str
    track: str
    stage: Stage
    sent_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class ContentItem:
    id: str
    title: str
    format: str
    topic: str
    personas: tuple[str, ...]
    stage: Stage | None  # None: offered only by journeys, never by a stage track
    url: str
    reasons: tuple[str, ...] = ()  # recycle items: only for these rejection reasons (empty: any)
    fields: tuple[str, ...] = ()  # a form: the fields it asks for


@dataclass(frozen=True)
class JourneyRun:
    """One lead on one journey, started by a touchpoint; progress is read from the steps sent."""

    journey_id: str
    topic: str
    started_at: datetime
    trigger_content: str | None = None  # what started it, never offered back
    correlation_id: str | None = None

    @property
    def track(self) -> str:
        return f"journey.{self.journey_id}.{self.topic}"


@dataclass(frozen=True)
class NextStep:
    """The content to send now (or, inside a Plan, when it becomes due)."""

    item: ContentItem
    track: str
    stage: Stage
    persona: str
    due_at: datetime
    reason: str


class Blocker(StrEnum):
    NO_STAGE = "no_stage"
    DISQUALIFIED = "disqualified"
    HANDED_OFF = "handed_off"
    UNSUBSCRIBED = "unsubscribed"
    NO_CONSENT = "no_consent"
    NO_EMAIL = "no_email"
    EXHAUSTED = "catalogue_exhausted"
    AWAITING_RESPONSE = "awaiting_response"
    FREQUENCY_LIMIT = "frequency_limit"
    QUIET_HOURS = "quiet_hours"
    NO_DOUBLE_OPT_IN = "no_double_opt_in"
    PAUSED = "paused"


@dataclass(frozen=True)
class NothingDue:
    """Why no step is due now; `until` says when that changes, if it changes by itself."""

    blocker: Blocker
    text: str
    until: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """The whole decision: what comes next on the track (if anything) and what holds it back."""

    step: NextStep | None
    nothing_due: NothingDue | None
