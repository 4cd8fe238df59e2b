"""The webhook use case: a source's own payload is verified, de-duplicated, mapped, then accepted or refused."""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lead_events import CLOCK_SKEW

from .domain.limits import TokenBucket
from .domain.model import ReceivedBody, Refusal
from .domain.signature import SignedHeaders, verify
from .domain.sources import Delivery, Mapped, SourceSpec, map_payload
from .handlers import Accepted, Refused, accept_or_refuse, refuse
from .intake import Parsed, read_json, validate_touchpoints
from .ports import Deliveries, EventPublisher

log = logging.getLogger(__name__)
SIGNATURE_FIELD = "webhook-signature"


@dataclass
class WebhookSource:
    name: str
    spec: SourceSpec
    keys: list[bytes]  # empty: this source sends unsigned
    bucket: TokenBucket


@dataclass(frozen=True)
class Answered:
    """Published (or nothing to publish); `answer` is the response body, kept for redeliveries."""

    answer: dict
    duplicate: bool = False
    events: list = field(default_factory=list)


def delivery_id_of(headers: SignedHeaders, body: ReceivedBody) -> str:
    """The sender's webhook-id; without one, the body's digest (an identical retry is the same delivery)."""
    if headers.msg_id:
        return "id:" + headers.msg_id[:200]
    return "sha256:" + hashlib.sha256(body.raw).hexdigest()


async def _previous_answer(deliveries: Deliveries, source: str, delivery_id: str) -> dict | None:
    try:
        return await deliveries.answer_of(source, delivery_id)
    except Exception:  # the event ids are deterministic: publishing again is still counted once downstream
        log.warning("webhook ids unavailable; not de-duplicating this delivery", exc_info=True)
        return None


async def _remember(deliveries: Deliveries, source: str, delivery_id: str, answer: dict, now: datetime) -> None:
    try:
        await deliveries.remember(source, delivery_id, answer, now)
    except Exception:
        log.warning("could not remember a webhook id; a redelivery will be published again", exc_info=True)


def _mapping_refusal(source: WebhookSource, errors: list[dict]) -> Refusal:
    first = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:3])
    reason = f"The payload is not what the {source.spec.adapter} adapter of source {source.name!r} reads: {first}"
    return Refusal(422, "Payload not understood", reason, errors[:100])


def map_body(
    source: WebhookSource, body: ReceivedBody, delivery: Delivery, max_bytes: int
) -> tuple[Parsed, Mapped]:
    """The body -> validated touchpoints (in `Parsed`, with the sender's JSON as `doc`), or a refusal."""
    parsed = read_json(body, max_bytes, forms=True)
    if parsed.refusal is not None:
        return parsed, Mapped()
    mapped = map_payload(parsed.doc, source.spec, delivery)
    if mapped.errors:
        return Parsed([], _mapping_refusal(source, mapped.errors), parsed.doc), mapped
    if not mapped.touchpoints:
        return Parsed([], None, parsed.doc), mapped
    valid = validate_touchpoints({"touchpoints": mapped.touchpoints})
    if valid.refusal is not None:
        reason = f"After mapping the {source.spec.adapter} payload: {valid.refusal.reason}"
        return Parsed([], Refusal(422, valid.refusal.title, reason, valid.refusal.errors), parsed.doc), mapped
    return Parsed(valid.touchpoints, None, parsed.doc), mapped


async def receive_webhook(
    publisher: EventPublisher, deliveries: Deliveries, source: WebhookSource, body: ReceivedBody,
    headers: SignedHeaders, *, max_bytes: int, now: datetime, timeout: float, skew: timedelta = CLOCK_SKEW,
) -> Answered | Refused:
    """Raises PublishFailed if Kafka is away (the sender should retry: nothing was refused)."""
    name = source.name

    async def refused(refusal: Refusal, doc: object = None) -> Refused:
        return await refuse(publisher, refusal, body, doc=doc, now=now, timeout=timeout, source=name)

    if body.size > max_bytes:  # a cut body cannot be verified
        return await refused(read_json(body, max_bytes).refusal)
    if source.keys and (problem := verify(source.keys, headers, body.raw, now)):
        errors = [{"field": SIGNATURE_FIELD, "message": problem}]  # marks it: a replay never re-submits it
        return await refused(Refusal(401, "Signature invalid", problem, errors))
    delivery_id = delivery_id_of(headers, body)
    if (previous := await _previous_answer(deliveries, name, delivery_id)) is not None:
        return Answered({**previous, "duplicate": True}, duplicate=True)
    parsed, mapped = map_body(source, body, Delivery(name, delivery_id, now), max_bytes)
    if parsed.refusal is not None:
        return await refused(parsed.refusal, parsed.doc)
    answer: dict = {"accepted": 0, "event_ids": [], "lead_ids": [], "ignored": mapped.ignored, "duplicate": False}
    if parsed.touchpoints:
        outcome = await accept_or_refuse(publisher, body, parsed, now=now, timeout=timeout, source=name, skew=skew)
        if not isinstance(outcome, Accepted):
            return outcome
        answer |= {
            "accepted": len(outcome.events),
            "event_ids": [e.event_id for e in outcome.events],
            "lead_ids": [e.lead_id for e in outcome.events],
        }
        await _remember(deliveries, name, delivery_id, answer, now)
        return Answered(answer, events=outcome.events)
    await _remember(deliveries, name, delivery_id, answer, now)
    return Answered(answer)
