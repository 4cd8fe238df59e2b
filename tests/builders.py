"""Realistic touchpoints for tests, demo and benchmark."""

import uuid
from datetime import UTC, datetime
from typing import Any

from lead_events import Contact, TouchpointData, TouchpointRecorded, lead_id_for, lead_id_for_visitor


def a_contact(email: str | None = None, **overrides: Any) -> dict:
    contact = {
        "email": email or f"anna.schmidt.{uuid.uuid4().hex[:8]}@example-industrie.de",
        "first_name": "Anna",
        "last_name": "Schmidt",
        "job_title": "Leiterin Einkauf",
        "phone": "+49 30 1234567",
        "company": {
            "name": "Example Industrie GmbH",
            "domain": "example-industrie.de",
            "employees": 850,
            "industry": "manufacturing",
            "country": "DE",
        },
    }
    contact.update(overrides)
    return contact


def a_touchpoint(type_: str, contact: dict, **properties: Any) -> dict:
    """The JSON body a sender posts to `POST /v1/touchpoints`."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": type_,
        "occurred_at": datetime.now(UTC).isoformat(),
        "source": "test-suite",
        "contact": contact,
        "properties": properties,
        "consent": {"email_marketing": True},
    }


def a_recorded(type_: str, contact: dict, **properties: Any) -> TouchpointRecorded:
    """The event ingest would publish for such a touchpoint."""
    body = a_touchpoint(type_, contact, **properties)
    c = Contact.model_validate(contact)
    return TouchpointRecorded.new(
        lead_id=lead_id_for(c.email) if c.email else lead_id_for_visitor(c.anonymous_id),
        occurred_at=datetime.fromisoformat(body["occurred_at"]),
        data=TouchpointData(type=type_, source="test-suite", contact=c, properties=properties,
                            consent=body["consent"]),
    )
