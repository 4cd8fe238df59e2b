"""What an adapter gets (the delivery) and gives back (touchpoint documents, ignored items, errors)."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Delivery:
    source: str  # the configured name, from the URL
    delivery_id: str  # webhook-id, or a digest of the body when the sender sent none
    received_at: datetime


@dataclass(frozen=True)
class Mapped:
    """`touchpoints` are `TouchpointIn` documents, validated afterwards exactly like POST /v1/touchpoints."""

    touchpoints: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)  # {"item", "reason"}: sent, but not a touchpoint
    errors: list[dict] = field(default_factory=list)  # {"field", "message"} in the sender's own terms


def payload_error(message: str, field_name: str = "") -> Mapped:
    return Mapped(errors=[{"field": field_name, "message": message}])
