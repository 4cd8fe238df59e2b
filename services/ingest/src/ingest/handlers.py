"""The use case: a received body is published as touchpoints or as a rejection, then answered."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiokafka.errors import KafkaError
from lead_events import CLOCK_SKEW, Envelope, TouchpointRecorded, encode, topics
from pydantic_core import PydanticSerializationError

from .domain.event_time import ahead_of_time
from .domain.model import BATCH_NOTE, ReceivedBody, Refusal
from .domain.normalise import recorded_event
from .domain.rejection import rejected_event
from .intake import Parsed, parse_body
from .ports import EventPublisher

# Below the producer's max_request_size (1 MiB) with room for the record's key and headers.
MAX_EVENT_BYTES = 1_000_000


class PublishFailed(Exception):
    """Kafka did not acknowledge in time: the sender should retry (503), its input was fine."""


@dataclass(frozen=True)
class Accepted:
    events: list[TouchpointRecorded]


@dataclass(frozen=True)
class Refused:
    refusal: Refusal
    rejection_id: str


async def publish(publisher: EventPublisher, topic: str, events: list[Envelope], timeout: float) -> None:
    try:
        await asyncio.wait_for(publisher.publish_many(topic, events), timeout)
    except (KafkaError, TimeoutError, OSError) as exc:
        raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc


def _unpublishable(events: list[TouchpointRecorded]) -> Refusal | None:
    """Refuse, before anything is sent, what Kafka would refuse, so a batch stays all-or-nothing."""
    for i, event in enumerate(events):
        try:
            size = len(encode(event))
        except (PydanticSerializationError, ValueError):
            size = None
        if size is None or size > MAX_EVENT_BYTES:
            what = "cannot be serialised" if size is None else f"is {size} bytes as an event"
            batch = len(events) > 1
            reason = f"Touchpoint {i} {what}; the limit is {MAX_EVENT_BYTES} bytes." + (BATCH_NOTE if batch else "")
            field = f"touchpoints.{i}" if batch else ""
            status, title = (422, "Invalid touchpoint") if size is None else (413, "Touchpoint too large")
            return Refusal(status, title, reason, [{"field": field, "message": f"{what}; shrink it"}])
    return None


async def refuse(
    publisher: EventPublisher, refusal: Refusal, body: ReceivedBody, *, doc: object, now: datetime, timeout: float,
    source: str | None = None,
) -> Refused:
    """Keeps the refused body on touchpoints.rejected (before anyone is answered)."""
    rejection_id = str(uuid.uuid4())  # every refusal is its own fact, even of the same body
    event = rejected_event(refusal, body, doc=doc, rejection_id=rejection_id, now=now, source=source)
    await publish(publisher, topics.TOUCHPOINTS_REJECTED, [event], timeout)
    return Refused(refusal, rejection_id)


async def accept_or_refuse(
    publisher: EventPublisher, body: ReceivedBody, parsed: Parsed, *, now: datetime, timeout: float,
    source: str | None = None, skew: timedelta = CLOCK_SKEW,
) -> Accepted | Refused:
    """Publishes the validated touchpoints, or the rejection; raises PublishFailed if Kafka is away."""
    refusal = parsed.refusal or ahead_of_time(parsed.touchpoints, now, skew)
    if refusal is None:
        events = [recorded_event(tp, now) for tp in parsed.touchpoints]
        refusal = _unpublishable(events)
        if refusal is None:
            await publish(publisher, topics.TOUCHPOINTS, events, timeout)
            return Accepted(events)
    return await refuse(publisher, refusal, body, doc=parsed.doc, now=now, timeout=timeout, source=source)


async def record_touchpoints(
    publisher: EventPublisher, body: ReceivedBody, *, max_bytes: int, now: datetime, timeout: float,
    skew: timedelta = CLOCK_SKEW,
) -> Accepted | Refused:
    """POST /v1/touchpoints: the body is the touchpoints."""
    parsed = parse_body(body, max_bytes)
    return await accept_or_refuse(publisher, body, parsed, now=now, timeout=timeout, skew=skew)
