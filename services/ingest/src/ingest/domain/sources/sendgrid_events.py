"""Email engagement from SendGrid's Event Webhook: a JSON array of events, several recipients at once.

    [{"email": "anna.schmidt@example-industrie.de", "timestamp": 1763806500, "event": "open",
      "sg_event_id": "ZGVsaXZlcmVk...", "sg_message_id": "14c5d75ce93.dfd.64b469...", "category": ["nurture"]},
     {"email": "...", "timestamp": 1763806560, "event": "click", "url": "https://www.example.de/preise", ...},
     {"email": "...", "timestamp": 1763806600, "event": "unsubscribe", ...}]

Opens by a mail client's privacy proxy (`sg_machine_open: true`) are ignored: no person read it.
"""

from typing import Any

from .config import SourceSpec
from .fields import text, timestamp
from .model import Delivery, Mapped, payload_error

TYPES = {
    "open": "email_opened",
    "click": "email_clicked",
    "unsubscribe": "unsubscribed",
    "group_unsubscribe": "unsubscribed",
    "spamreport": "unsubscribed",  # a spam complaint is the strongest unsubscribe
    "bounce": "email_bounced",  # a hard bounce; `type: blocked` is a soft one (ignored below)
    "dropped": "email_bounced",  # SendGrid will not send to the address; only for the reasons below
}
# SendGrid drops mail to addresses that bounced before or are invalid (a dead address), and to
# addresses that unsubscribed or complained (already told to us by their own events).
DEAD_ADDRESS = ("bounced address", "invalid")
KEPT = ("sg_message_id", "url", "asm_group_id", "campaign", "marketing_campaign_name", "reason", "status")


def map_sendgrid(payload: Any, spec: SourceSpec, delivery: Delivery) -> Mapped:
    if not isinstance(payload, list):
        return payload_error("Expected SendGrid's array of events: [{\"event\": \"open\", ...}, ...].")
    touchpoints, ignored, errors = [], [], []
    for i, item in enumerate(payload):
        kind = item.get("event") if isinstance(item, dict) else None
        if not isinstance(kind, str):
            errors.append({"field": f"{i}.event", "message": "Each event needs an `event` name."})
            continue
        if kind not in TYPES:
            ignored.append({"item": f"{i}:{kind}", "reason": f"{kind} is not engagement"})
            continue
        if kind == "open" and item.get("sg_machine_open") is True:
            ignored.append({"item": f"{i}:{kind}", "reason": "opened by a privacy proxy, not a person"})
            continue
        if kind == "bounce" and item.get("type") == "blocked":
            ignored.append({"item": f"{i}:{kind}", "reason": "blocked (a soft bounce): the address may take mail later"})
            continue
        if kind == "dropped" and not str(item.get("reason", "")).lower().startswith(DEAD_ADDRESS):
            ignored.append({"item": f"{i}:{kind}", "reason": "dropped for a reason other than a dead address"})
            continue
        properties = {k: v for k in KEPT if (v := text(item.get(k))) is not None}
        if categories := text(item.get("category")):
            properties["category"] = categories
        sender_id = text(item.get("sg_event_id"))
        touchpoints.append({
            "event_id": sender_id or f"{delivery.delivery_id}:{i}",
            "type": TYPES[kind],
            "occurred_at": timestamp(item.get("timestamp")),
            "source": delivery.source,
            "contact": {"email": item.get("email")},
            "properties": properties,
        })
    if errors:
        return Mapped(errors=errors)
    return Mapped(touchpoints=touchpoints, ignored=ignored)
