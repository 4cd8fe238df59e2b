"""The publisher ingest's routes use: touchpoints of people who asked to be erased after the
touchpoint happened go out without the person (lead_runtime.erasures.predates_erasure)."""

import logging
from collections.abc import Sequence

from lead_events import Envelope, topics
from lead_runtime.erasures import predates_erasure
from lead_runtime.logs import fields

from .domain.erased import without_person
from .ports import Erasures, EventPublisher

log = logging.getLogger(__name__)


class SparingErased:
    def __init__(self, publisher: EventPublisher, erasures: Erasures) -> None:
        self._publisher = publisher
        self._erasures = erasures

    async def publish_many(self, topic: str, events: Sequence[Envelope]) -> None:
        if topic == topics.TOUCHPOINTS and events:
            erased = await self._erasures.erased_at(sorted({e.lead_id for e in events}))
            events = [self._spare(e, erased.get(e.lead_id)) for e in events]
        await self._publisher.publish_many(topic, list(events))

    @staticmethod
    def _spare(event, erased_at):
        if not predates_erasure(event.event_type, event.occurred_at, erased_at):
            return event
        log.info("published without the person: they asked to be erased after this happened",
                 extra=fields(event_id=event.event_id, lead_id=event.lead_id, erased_at=erased_at))
        return without_person(event)
