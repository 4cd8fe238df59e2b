"""A refused body becomes the `touchpoint.rejected` event: nothing sent to ingest is dropped silently."""

import base64
from datetime import datetime

from lead_events import RejectionData, TouchpointRejected, lead_id_for, lead_id_for_visitor
from lead_events.text import cleaned, printable

from .model import ReceivedBody, Refusal

# Kafka messages are ~1 MB at most; JSON escaping can grow kept bytes ~6x, so keep at most 64 KiB.
KEPT_BODY_BYTES = 64 * 1024


def kept_body(raw: bytes) -> tuple[str, str, bool]:
    """(text, encoding, truncated): UTF-8 text when it is UTF-8, base64 otherwise."""
    truncated = len(raw) > KEPT_BODY_BYTES
    kept = raw[:KEPT_BODY_BYTES]
    # The cut can split a multi-byte character: try again without up to 3 trailing bytes.
    for cut in range(4 if truncated else 1):
        try:
            return kept[: len(kept) - cut].decode("utf-8"), "utf-8", truncated
        except UnicodeDecodeError:
            continue
    return base64.b64encode(kept).decode("ascii"), "base64", truncated


def refused_lead_id(doc: object, rejection_id: str) -> str:
    """The lead's id if a single refused touchpoint names one (so its rejections sit with its events)."""
    contact = doc.get("contact") if isinstance(doc, dict) else None
    if isinstance(contact, dict):
        email, visitor = contact.get("email"), contact.get("anonymous_id")
        if isinstance(email, str) and email.strip():
            return lead_id_for(printable(email))  # a refusal of any text must be publishable
        if isinstance(visitor, str) and visitor.strip():
            return lead_id_for_visitor(printable(visitor))
    return rejection_id


def named_source(doc: object) -> str | None:
    """The source the sender named, when all the touchpoints in the body agree on one."""
    items = doc.get("touchpoints") if isinstance(doc, dict) and "touchpoints" in doc else [doc]
    if not isinstance(items, list):
        return None
    sources = [i.get("source") for i in items if isinstance(i, dict)]
    if sources and all(isinstance(s, str) and s == sources[0] for s in sources):
        return printable(sources[0][:100])
    return None


def rejected_event(
    refusal: Refusal, body: ReceivedBody, *, doc: object, rejection_id: str, now: datetime, source: str | None = None
) -> TouchpointRejected:
    """`doc` is the parsed JSON when there was any (for the lead id and source), else None.

    `source` is the webhook source from the URL; it wins over what the body names.
    """
    text, encoding, truncated = kept_body(body.raw)
    reason = printable(refusal.reason)
    if truncated or body.size > len(body.raw):
        kept = min(len(body.raw), KEPT_BODY_BYTES)
        reason += f" (truncated: raw_body keeps the first {kept} of {body.size_text} bytes)"
    return TouchpointRejected(
        event_id=rejection_id,
        lead_id=refused_lead_id(doc, rejection_id),
        occurred_at=now,
        recorded_at=now,
        correlation_id=rejection_id,
        data=RejectionData(
            source=printable(source[:100]) if source else named_source(doc),
            reason=reason,
            errors=cleaned(refusal.errors),
            raw_body=text,
            raw_body_encoding=encoding,
            content_type=body.content_type[:200] if body.content_type else None,
            received_at=now,
        ),
    )
