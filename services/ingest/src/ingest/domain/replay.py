"""Which kept rejections can be re-submitted, and their body as it was received."""

import base64
from datetime import datetime

from lead_events import TouchpointRejected

from .model import ReceivedBody

SIGNATURE_FIELD = "webhook-signature"


def why_not_replayable(rejection: TouchpointRejected) -> str | None:
    """None when the kept body is whole and was not refused for its signature."""
    data = rejection.data
    if "(truncated:" in data.reason:
        return "only the first 64 KiB of the body were kept; ask the sender to send it again"
    if any(e.get("field") == SIGNATURE_FIELD for e in data.errors):
        return "refused for its signature (it may be forged); ask the sender to send it again"
    return None


def received_body(rejection: TouchpointRejected) -> ReceivedBody:
    data = rejection.data
    raw = base64.b64decode(data.raw_body) if data.raw_body_encoding == "base64" else data.raw_body.encode()
    return ReceivedBody(raw, len(raw), True, data.content_type)


def is_selected(rejection: TouchpointRejected, since: datetime | None, source: str | None) -> bool:
    data = rejection.data
    return (since is None or data.received_at >= since) and (source is None or data.source == source)
