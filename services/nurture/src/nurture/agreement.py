"""config/nurture.yaml: personas, content tracks and contact limits, validated at start-up."""

import re
from dataclasses import replace
from datetime import time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lead_events import Stage, TouchpointType
from lead_runtime.config import load_model
from lead_runtime.time_terms import load_time_terms
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .domain import (
    FALLBACK_PERSONA, Catalogue, ConsentPolicy, ContactLimits, ContentItem, Journey, JourneyStep, Profiling,
    QuietHours,
)
from .handoff_terms import load_handoff_terms

FILE_NAME = "nurture.yaml"
_DURATION = re.compile(r"^(\d+)(s|m|h|d)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
NurturingStage = Literal["prospect", "marketing_lead", "recycled"]


def duration(text: str) -> timedelta:
    """`30s`, `15m`, `36h`, `3d`: short enough for tests to shorten a wait by configuration."""
    found = _DURATION.match(text.strip())
    if not found:
        raise ValueError(f"'{text}' is not a duration like 30s, 15m, 36h or 3d")
    return timedelta(**{_UNITS[found[2]]: int(found[1])})


class Format(StrEnum):
    WHITEPAPER = "whitepaper"
    CASE_STUDY = "case_study"
    WEBINAR = "webinar"
    EVENT_INVITATION = "event_invitation"
    CHECKLIST = "checklist"
    TENDER_TEMPLATE = "tender_template"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactLimitTerms(_Strict):
    max_steps_per_week: int = Field(ge=1, le=14)
    min_gap_hours: int = Field(ge=0, le=24 * 30)


class ItemTerms(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    title: str = Field(min_length=1, max_length=200)
    format: Format
    topic: str = Field(min_length=1)
    personas: list[str] = Field(min_length=1)
    stage: Literal["prospect", "marketing_lead"] | None = Field(
        None, description="The stage track offering it; omitted: only journeys offer it."
    )
    url: str = Field(pattern=r"^https?://\S+$")


class RecycleItemTerms(ItemTerms):
    stage: Literal["recycled"] = "recycled"
    reasons: list[str] = Field(default_factory=list, description="Only for these rejection reasons; empty: any.")


class JourneyStepTerms(_Strict):
    content_id: str | None = None
    format: Format | None = None
    same_topic: bool = True
    wait: str = Field("0s", description="After the previous step was sent (or taken up, see `after`).")
    after: Literal["sent", "taken_up"] = "sent"

    @model_validator(mode="after")
    def _valid(self) -> Self:
        duration(self.wait)
        if not self.content_id and not self.format:
            raise ValueError("a step names a content_id or a format")
        return self


class JourneyTerms(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    trigger: TouchpointType
    stages: list[NurturingStage] = ["prospect", "marketing_lead", "recycled"]
    personas: list[str] = Field(default_factory=list)
    steps: list[JourneyStepTerms] = Field(min_length=1)


class QuietHoursTerms(_Strict):
    start: time
    end: time
    weekends: bool = False
    default_time_zone: str | None = None
    time_zones: dict[str, str] = Field(default_factory=dict, description="Country (ISO alpha-2) -> IANA zone.")


class ConsentTerms(_Strict):
    double_opt_in: Literal["required", "not_required"] = "required"


class ProfilingTerms(_Strict):
    title: str = Field(min_length=1, max_length=200)
    url: str = Field(pattern=r"^https?://\S+$")
    ask_bant: bool = True
    stages: list[NurturingStage] = ["marketing_lead", "recycled"]
    after_steps: int = Field(1, ge=0, le=20)
    max_forms: int = Field(2, ge=1, le=10)


class NurtureAgreement(_Strict):
    version: str = Field(min_length=1)
    personas: dict[str, str] = Field(description="Persona id -> label, e.g. purchasing: Einkauf.")
    contact_limits: ContactLimitTerms
    follow_up_after_days: int = Field(7, ge=1, le=90)
    paused: bool = Field(False, description="Global pause switch: nothing is sent while true.")
    consent: ConsentTerms = ConsentTerms()
    quiet_hours: QuietHoursTerms | None = None
    content: list[ItemTerms] = Field(min_length=1)
    recycle: list[RecycleItemTerms] = Field(min_length=1)
    journeys: list[JourneyTerms] = Field(default_factory=list)
    profiling: ProfilingTerms | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        errors: list[InitErrorDetails] = []

        def fail(loc: tuple, value: object, msg: str) -> None:
            errors.append(InitErrorDetails(type=PydanticCustomError("agreement", msg), loc=loc, input=value))

        if FALLBACK_PERSONA not in self.personas:
            fail(("personas",), list(self.personas), f"the fallback persona '{FALLBACK_PERSONA}' is missing")
        seen: set[str] = set()
        for section in ("content", "recycle"):
            for i, item in enumerate(getattr(self, section)):
                if item.id in seen:
                    fail((section, i, "id"), item.id, f"content id '{item.id}' is used twice")
                seen.add(item.id)
                for j, persona in enumerate(item.personas):
                    if persona not in self.personas:
                        msg = f"persona '{persona}' is not declared under personas"
                        fail((section, i, "personas", j), persona, msg)
        for stage in ("prospect", "marketing_lead", "recycled"):
            items = self.recycle if stage == "recycled" else self.content
            if not any(i.stage == stage and FALLBACK_PERSONA in i.personas for i in items):
                section = "recycle" if stage == "recycled" else "content"
                fail((section,), stage, f"stage {stage} needs at least one item for persona '{FALLBACK_PERSONA}'")
        ids = {i.id for i in (*self.content, *self.recycle)}
        for i, journey in enumerate(self.journeys):
            for j, step in enumerate(journey.steps):
                if step.content_id and step.content_id not in ids:
                    fail(("journeys", i, "steps", j, "content_id"), step.content_id, "no content item has this id")
            for j, persona in enumerate(journey.personas):
                if persona not in self.personas:
                    fail(("journeys", i, "personas", j), persona, f"persona '{persona}' is not declared under personas")
        zones = self.quiet_hours.time_zones if self.quiet_hours else {}
        named = [*zones.values(), self.quiet_hours.default_time_zone if self.quiet_hours else None]
        for zone in filter(None, named):
            if not _is_zone(zone):
                fail(("quiet_hours",), zone, f"'{zone}' is not an IANA time zone such as Europe/Berlin")
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def to_catalogue(self, required_fields: tuple[str, ...] = (), bant_fields: tuple[str, ...] = ()) -> Catalogue:
        return Catalogue(
            version=self.version,
            personas=tuple(self.personas),
            items=tuple(
                ContentItem(
                    id=i.id, title=i.title, format=i.format.value, topic=i.topic,
                    personas=tuple(i.personas), stage=Stage(i.stage) if i.stage else None, url=i.url,
                    reasons=tuple(getattr(i, "reasons", ())),
                )
                for i in (*self.content, *self.recycle)
            ),
            limits=ContactLimits(
                max_steps_per_week=self.contact_limits.max_steps_per_week,
                min_gap=timedelta(hours=self.contact_limits.min_gap_hours),
                follow_up_after=timedelta(days=self.follow_up_after_days),
            ),
            journeys=tuple(
                Journey(
                    id=j.id, trigger=j.trigger.value, stages=frozenset(Stage(s) for s in j.stages),
                    personas=frozenset(j.personas),
                    steps=tuple(
                        JourneyStep(
                            wait=duration(s.wait), content_id=s.content_id,
                            format=s.format.value if s.format else None, same_topic=s.same_topic, after=s.after,
                        )
                        for s in j.steps
                    ),
                )
                for j in self.journeys
            ),
            quiet_hours=QuietHours(
                start=q.start, end=q.end, weekends=q.weekends, default_zone=q.default_time_zone,
                zones_by_country={k.upper(): v for k, v in q.time_zones.items()},
            ) if (q := self.quiet_hours) else None,
            consent=ConsentPolicy(double_opt_in_required=self.consent.double_opt_in == "required"),
            profiling=Profiling(
                required_fields=required_fields, bant_fields=bant_fields if p.ask_bant else (),
                title=p.title, url=p.url, stages=frozenset(Stage(s) for s in p.stages),
                after_steps=p.after_steps, max_forms=p.max_forms,
            ) if (p := self.profiling) else None,
            paused=self.paused,
        )


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError):
        return False


def load_catalogue(config_dir: Path) -> Catalogue:
    """Raises lead_runtime.config.ConfigError naming file, line and field. The fields a form
    asks for come from the handoff terms in agreement.yaml, so they never drift apart."""
    agreement = load_model(config_dir / FILE_NAME, NurtureAgreement)
    required, bant = load_handoff_terms(config_dir)
    return replace(agreement.to_catalogue(required, bant), horizon=load_time_terms(config_dir).horizon)
