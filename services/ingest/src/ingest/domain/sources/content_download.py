"""Content downloads from the website's download centre (gated: with the form's contact; ungated: a visitor id).

    {"download_id": "d-5521", "downloaded_at": "2026-11-22T10:15:00Z",
     "asset": {"id": "wp-energy-2026", "title": "Energy efficiency in stamping", "category": "whitepaper"},
     "contact": {"email": "anna.schmidt@example-industrie.de", "first_name": "Anna", "company": {"name": "..."}},
     "visitor_id": "v-77", "page_url": "https://www.example.de/downloads/wp-energy"}
"""

from typing import Any

from .config import SourceSpec
from .fields import iso, text, timestamp
from .model import Delivery, Mapped, payload_error


def map_download(payload: Any, spec: SourceSpec, delivery: Delivery) -> Mapped:
    if not isinstance(payload, dict):
        return payload_error("Expected a JSON object describing one download.")
    asset = payload.get("asset")
    if not isinstance(asset, dict) or text(asset.get("id")) is None:
        return payload_error("asset.id is missing: which content item was downloaded?", "asset.id")
    contact = payload.get("contact") if isinstance(payload.get("contact"), dict) else {}
    contact = dict(contact)  # validated as a Contact afterwards, field by field
    if (visitor := text(payload.get("visitor_id"))) is not None:
        contact["anonymous_id"] = visitor
    category = (text(asset.get("category")) or "").lower()
    options = spec.content
    properties = {k: v for k, v in {
        "asset_id": text(asset.get("id")), "asset_title": text(asset.get("title")),
        "asset_category": category or None, "page_url": text(payload.get("page_url")),
    }.items() if v is not None}
    return Mapped(touchpoints=[{
        "event_id": text(payload.get("download_id")) or delivery.delivery_id,
        "type": options.types_by_category.get(category, options.default_type),
        "occurred_at": timestamp(payload.get("downloaded_at")) or iso(delivery.received_at),
        "source": delivery.source, "contact": contact, "properties": properties,
    }])
