"""Event ids of accepted touchpoints: deterministic, so a sender's retry is counted once."""

import hashlib
import json
from datetime import UTC

from lead_events import TouchpointIn, derived_event_id


def canonical_json(touchpoint: TouchpointIn) -> str:
    """The touchpoint after validation, with sorted keys and `occurred_at` in UTC.

    Validation already normalised email and domain, so `Anna@X.de` and `anna@x.de` retries match.
    """
    doc = touchpoint.model_dump(mode="json")
    doc["occurred_at"] = touchpoint.occurred_at.astimezone(UTC).isoformat()
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_id_for(touchpoint: TouchpointIn) -> str:
    """The sender's id (scoped by source, since two senders may use the same ids), else the content."""
    if touchpoint.event_id is not None:
        return derived_event_id("touchpoint", touchpoint.source, touchpoint.event_id)
    digest = hashlib.sha256(canonical_json(touchpoint).encode()).hexdigest()
    return derived_event_id("touchpoint", "content", digest)
