"""Journeys: sequences started by a touchpoint, e.g. after `webinar_attended` the whitepaper on
the same topic a day later, and once that is downloaded the invitation to the deep-dive event.

Progress is read from what was sent and taken up, so it needs no state of its own: a step whose
content the lead already has (sent on any track, or taken up on their own) counts as done.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .catalogue import FALLBACK_PERSONA, Catalogue
from .model import ContentItem, JourneyRun, LeadState, SentStep
from .policy import AFTER_TAKEN_UP, Journey, JourneyStep


@dataclass(frozen=True)
class JourneyNext:
    """The journey's next item and when it is due; `due_at` None: it waits for the lead."""

    item: ContentItem
    due_at: datetime | None
    waiting_for: str | None = None  # title of the content the lead has yet to take up


def journeys_started(
    catalogue: Catalogue, lead: LeadState, type: str, properties: Mapping[str, Any],
    content_id: str | None, at: datetime,
) -> list[JourneyRun]:
    """Journeys this touchpoint starts. The topic is that of the content it names, or
    `properties.topic`; a journey picking by topic does not start without one."""
    item = catalogue.item(content_id) if content_id else None
    topic = item.topic if item else _text(properties.get("topic"))
    runs = []
    for journey in catalogue.journeys:
        if journey.trigger != type or (lead.stage is not None and lead.stage not in journey.stages):
            continue
        if journey.personas and (lead.persona or FALLBACK_PERSONA) not in journey.personas:
            continue
        if topic is None and any(s.same_topic and not s.content_id for s in journey.steps):
            continue
        runs.append(JourneyRun(journey.id, topic or "any", at, content_id))
    return runs


def journey_next(
    journey: Journey, run: JourneyRun, sent: Mapping[str, SentStep], taken: Mapping[str, datetime],
    catalogue: Catalogue, persona: str | None,
) -> JourneyNext | None:
    """None when the journey is over (every step sent, taken up or without content)."""
    anchor = taken_at = run.started_at  # the trigger itself was taken up when it happened
    waiting_for: str | None = None
    for step in journey.steps:
        item = pick(step, run, catalogue, persona)
        if item is None:
            continue  # nothing of this kind for this persona and topic
        done = sent.get(item.id)
        took = taken.get(item.id) or (done.answered_at if done else None)
        if done is not None or took is not None:
            anchor, taken_at = (took or done.sent_at), took
            waiting_for = None if took else item.title
            continue
        if step.after == AFTER_TAKEN_UP:
            if taken_at is None:
                return JourneyNext(item, None, waiting_for)
            return JourneyNext(item, taken_at + step.wait)
        return JourneyNext(item, anchor + step.wait)
    return None


def pick(step: JourneyStep, run: JourneyRun, catalogue: Catalogue, persona: str | None) -> ContentItem | None:
    if step.content_id:
        return catalogue.item(step.content_id)
    for who in dict.fromkeys((persona or FALLBACK_PERSONA, FALLBACK_PERSONA)):
        for item in catalogue.items:
            if item.id == run.trigger_content or who not in item.personas:
                continue
            if (step.format is None or item.format == step.format) and (
                not step.same_topic or item.topic == run.topic
            ):
                return item
    return None


def journey_of(catalogue: Catalogue, run: JourneyRun) -> Journey | None:
    return next((j for j in catalogue.journeys if j.id == run.journey_id), None)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
