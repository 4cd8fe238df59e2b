"""The content catalogue and contact limits, as the agreement file defines them."""

from dataclasses import dataclass
from datetime import timedelta

from lead_events import Stage

from .model import ContentItem

FALLBACK_PERSONA = "unknown"


@dataclass(frozen=True)
class ContactLimits:
    max_steps_per_week: int
    min_gap: timedelta
    follow_up_after: timedelta  # without a response, the next step comes after this long


@dataclass(frozen=True)
class Catalogue:
    version: str
    personas: tuple[str, ...]
    items: tuple[ContentItem, ...]  # in track order
    limits: ContactLimits

    def persona_for(self, stage: Stage, persona: str | None) -> str:
        """The lead's persona if the catalogue has content for it at this stage, else the fallback."""
        if persona and any(i.stage == stage and persona in i.personas for i in self.items):
            return persona
        return FALLBACK_PERSONA

    def track(self, stage: Stage, persona: str | None) -> str:
        return f"{stage.value}.{self.persona_for(stage, persona)}"

    def items_for(self, stage: Stage, persona: str | None) -> tuple[ContentItem, ...]:
        chosen = self.persona_for(stage, persona)
        return tuple(i for i in self.items if i.stage == stage and chosen in i.personas)

    def item(self, content_id: str) -> ContentItem | None:
        return next((i for i in self.items if i.id == content_id), None)
