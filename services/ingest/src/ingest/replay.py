"""Re-submits kept rejections through today's validation and mapping (after a fix), without a signature check."""

from dataclasses import dataclass
from datetime import datetime

from lead_events import TouchpointRejected, topics

from .domain.normalise import recorded_event
from .domain.replay import received_body, why_not_replayable
from .domain.sources import Delivery
from .handlers import publish
from .intake import Parsed, parse_body
from .ports import EventPublisher
from .webhooks import WebhookSource, map_body

MAX_BYTES = 10_000_000  # kept bodies are at most 64 KiB; refusals by size were truncated anyway


@dataclass(frozen=True)
class Replayed:
    rejection_id: str
    outcome: str  # "accepted", "nothing to publish", "refused again", "not replayable"
    detail: str
    event_ids: tuple[str, ...] = ()


def replayed_touchpoints(rejection: TouchpointRejected, sources: dict[str, WebhookSource]) -> Parsed:
    """A webhook source's body goes through its adapter; anything else is a POST /v1/touchpoints body."""
    body = received_body(rejection)
    source = sources.get(rejection.data.source or "")
    if source is None:
        return parse_body(body, MAX_BYTES)
    # the rejection id stands in for the webhook-id: replaying twice gives the same event ids
    delivery = Delivery(source.name, f"rejection:{rejection.event_id}", rejection.data.received_at)
    parsed, _ = map_body(source, body, delivery, MAX_BYTES)
    return parsed


async def replay(
    rejection: TouchpointRejected, sources: dict[str, WebhookSource], publisher: EventPublisher | None,
    *, now: datetime, timeout: float,
) -> Replayed:
    """`publisher` None: a dry run that only says what would happen."""
    rid = rejection.event_id
    if (reason := why_not_replayable(rejection)) is not None:
        return Replayed(rid, "not replayable", reason)
    parsed = replayed_touchpoints(rejection, sources)
    if parsed.refusal is not None:
        return Replayed(rid, "refused again", parsed.refusal.reason)
    if not parsed.touchpoints:
        return Replayed(rid, "nothing to publish", "the mapping found no touchpoints (only ignored items)")
    events = [recorded_event(tp, now) for tp in parsed.touchpoints]
    if publisher is not None:
        await publish(publisher, topics.TOUCHPOINTS, events, timeout)
    verb = "published" if publisher is not None else "would publish"
    return Replayed(rid, "accepted", f"{verb} {len(events)} touchpoint(s)", tuple(e.event_id for e in events))
