"""The tunable parts of the nurture agreement beyond content: journeys, quiet hours, consent, profiling."""

from dataclasses import dataclass, field
from datetime import time, timedelta

from lead_events import Stage

AFTER_SENT, AFTER_TAKEN_UP = "sent", "taken_up"


@dataclass(frozen=True)
class JourneyStep:
    """Picks one item (by id, or by format and, with `same_topic`, the trigger's topic) and
    says when: `wait` after the previous step was sent, or after it was taken up."""

    wait: timedelta
    content_id: str | None = None
    format: str | None = None
    same_topic: bool = True
    after: str = AFTER_SENT


@dataclass(frozen=True)
class Journey:
    """A sequence started by a touchpoint, e.g. webinar attended -> whitepaper -> event invitation."""

    id: str
    trigger: str  # a touchpoint type
    steps: tuple[JourneyStep, ...]
    stages: frozenset[Stage] = frozenset({Stage.PROSPECT, Stage.MARKETING_LEAD, Stage.RECYCLED})
    personas: frozenset[str] = frozenset()  # empty: every persona


@dataclass(frozen=True)
class QuietHours:
    """No step is sent between `start` and `end` local time (the window may span midnight),
    nor on weekends if `weekends`; in the lead's zone, else `default_zone`, else not at all."""

    start: time
    end: time
    weekends: bool = False
    default_zone: str | None = None
    zones_by_country: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profiling:
    """A form step asking for what handoff needs and the lead has not told us yet."""

    required_fields: tuple[str, ...]  # e.g. last_name, company.name
    bant_fields: tuple[str, ...]  # touchpoint properties holding BANT answers
    title: str
    url: str
    stages: frozenset[Stage] = frozenset({Stage.MARKETING_LEAD, Stage.RECYCLED})
    after_steps: int = 1  # content steps a lead has had before the first form
    max_forms: int = 2


@dataclass(frozen=True)
class ConsentPolicy:
    double_opt_in_required: bool = False
