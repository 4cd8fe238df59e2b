"""A validated touchpoint becomes the `touchpoint.recorded` event ingest publishes."""

from datetime import UTC, datetime

from lead_events import (
    Contact,
    RecordedContact,
    TouchpointData,
    TouchpointIn,
    TouchpointRecorded,
    lead_id_for,
    lead_id_for_visitor,
    normalise_email,
)

from .dedupe import event_id_for


def lead_id_of(contact: Contact) -> str:
    """By email when there is one; a visitor id otherwise (joined to the email later, by scoring)."""
    if contact.email:
        return lead_id_for(contact.email)
    if contact.anonymous_id:
        return lead_id_for_visitor(contact.anonymous_id)
    raise ValueError("contact has neither email nor anonymous_id")  # TouchpointIn refuses this


def normalised_contact(contact: Contact) -> RecordedContact:
    """TouchpointIn already lower-cases email and domain; trim the visitor id too. Built as the
    recorded kind directly: the contact was validated a moment ago, once is enough."""
    updates: dict = {}
    if contact.email:
        updates["email"] = normalise_email(contact.email)
    if contact.anonymous_id:
        updates["anonymous_id"] = contact.anonymous_id.strip()
    fields = {name: getattr(contact, name) for name in RecordedContact.model_fields} | updates
    return RecordedContact.model_construct(contact.model_fields_set | set(updates), **fields)


def touchpoint_data(touchpoint: TouchpointIn, historical: bool = False) -> TouchpointData:
    return TouchpointData(
        type=touchpoint.type,
        source=touchpoint.source,
        contact=normalised_contact(touchpoint.contact),
        properties=touchpoint.properties,
        consent=touchpoint.consent,
        sender_event_id=touchpoint.event_id,
        historical=historical,
    )


def recorded_event(touchpoint: TouchpointIn, now: datetime, historical: bool = False) -> TouchpointRecorded:
    """Keyed by lead id; the event id starts the correlation chain of everything that follows.
    `historical`: an import of old data (scored, but nobody acts on it as if it just happened)."""
    event_id = event_id_for(touchpoint)
    return TouchpointRecorded(
        event_id=event_id,
        lead_id=lead_id_of(touchpoint.contact),
        occurred_at=touchpoint.occurred_at.astimezone(UTC),
        recorded_at=now,
        correlation_id=event_id,
        data=touchpoint_data(touchpoint, historical),
    )
