"""The content catalogue, tracks and limits, as the agreement file defines them."""

from dataclasses import dataclass, field
from datetime import timedelta

from lead_events import Stage

from .model import ContentItem
from .policy import ConsentPolicy, Journey, Profiling, QuietHours

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
    journeys: tuple[Journey, ...] = ()
    quiet_hours: QuietHours | None = None
    consent: ConsentPolicy = field(default_factory=ConsentPolicy)
    profiling: Profiling | None = None
    paused: bool = False  # the agreement's own pause switch
    # a touchpoint that happened longer ago when it arrived starts no journey (agreement.yaml: history)
    horizon: timedelta = timedelta(days=90)

    def persona_for(self, stage: Stage, persona: str | None) -> str:
        """The lead's persona if the catalogue has content for it at this stage, else the fallback."""
        if persona and any(i.stage == stage and persona in i.personas for i in self.items):
            return persona
        return FALLBACK_PERSONA

    def _reason_items(self, stage: Stage, reason: str | None) -> tuple[ContentItem, ...]:
        if stage != Stage.RECYCLED or not reason:
            return ()
        return tuple(i for i in self.items if i.stage == stage and reason in i.reasons)

    def track(self, stage: Stage, persona: str | None, reason: str | None = None) -> str:
        chosen = self.persona_for(stage, persona)
        if any(chosen in i.personas for i in self._reason_items(stage, reason)):
            return f"{stage.value}.{reason}.{chosen}"
        return f"{stage.value}.{chosen}"

    def items_for(self, stage: Stage, persona: str | None, reason: str | None = None) -> tuple[ContentItem, ...]:
        """A recycled lead gets the items for its rejection reason first, then the general ones."""
        chosen = self.persona_for(stage, persona)
        specific = tuple(i for i in self._reason_items(stage, reason) if chosen in i.personas)
        general = tuple(i for i in self.items if i.stage == stage and not i.reasons and chosen in i.personas)
        return specific + general

    def item(self, content_id: str) -> ContentItem | None:
        return next((i for i in self.items if i.id == content_id), None)
