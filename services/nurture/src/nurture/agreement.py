"""config/nurture.yaml: personas, content tracks and contact limits, validated at start-up."""

from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

from lead_events import Stage
from lead_runtime.config import load_model
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .domain import FALLBACK_PERSONA, Catalogue, ContactLimits, ContentItem

FILE_NAME = "nurture.yaml"


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
    stage: Literal["prospect", "marketing_lead"]
    url: str = Field(pattern=r"^https?://\S+$")


class RecycleItemTerms(ItemTerms):
    stage: Literal["recycled"] = "recycled"


class NurtureAgreement(_Strict):
    version: str = Field(min_length=1)
    personas: dict[str, str] = Field(description="Persona id -> label, e.g. purchasing: Einkauf.")
    contact_limits: ContactLimitTerms
    follow_up_after_days: int = Field(7, ge=1, le=90)
    content: list[ItemTerms] = Field(min_length=1)
    recycle: list[RecycleItemTerms] = Field(min_length=1)

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
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def to_catalogue(self) -> Catalogue:
        return Catalogue(
            version=self.version,
            personas=tuple(self.personas),
            items=tuple(
                ContentItem(
                    id=i.id, title=i.title, format=i.format.value, topic=i.topic,
                    personas=tuple(i.personas), stage=Stage(i.stage), url=i.url,
                )
                for i in (*self.content, *self.recycle)
            ),
            limits=ContactLimits(
                max_steps_per_week=self.contact_limits.max_steps_per_week,
                min_gap=timedelta(hours=self.contact_limits.min_gap_hours),
                follow_up_after=timedelta(days=self.follow_up_after_days),
            ),
        )


def load_catalogue(config_dir: Path) -> Catalogue:
    """Raises lead_runtime.config.ConfigError naming file, line and field."""
    return load_model(config_dir / FILE_NAME, NurtureAgreement).to_catalogue()
