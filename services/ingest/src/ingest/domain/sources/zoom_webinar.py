"""Zoom webinar events (the shape of Zoom's event notifications): registered, and attended with minutes.

    {"event": "webinar.registration_created", "event_ts": 1763805300000,
     "payload": {"account_id": "...", "object": {"uuid": "...", "id": 81234567890, "topic": "...",
                 "registrant": {"id": "...", "email": "...", "first_name": "...", "org": "...", ...}}}}
    {"event": "webinar.participant_left", "event_ts": ...,
     "payload": {"object": {"uuid": "...", "id": ..., "participant": {"email": "...", "join_time": "...",
                 "leave_time": "...", "registrant_id": "...", "questions_asked": 2}}}}

Attendance counts once per person and webinar occurrence, at `participant_left` (it carries the
minutes); `participant_joined` is acknowledged and ignored. Zoom sends no Q&A in its webhooks; a
report sync may add `questions_asked` (or a `questions` list) to the participant.
"""

from datetime import datetime
from typing import Any

from .config import SourceSpec
from .fields import get_path, iso, set_path, text, timestamp
from .model import Delivery, Mapped, payload_error

REGISTRANT_CONTACT = {
    "email": "email", "first_name": "first_name", "last_name": "last_name", "job_title": "job_title",
    "phone": "phone", "company.name": "org", "company.industry": "industry",
}
# Zoom's registration question `no_of_employees`: the lower bound, so fit is never overstated.
EMPLOYEES = {"1-20": 1, "21-50": 21, "51-100": 51, "101-250": 101, "101-500": 101, "251-500": 251,
             "500-1,000": 500, "1,001-5,000": 1001, "1,000-5,000": 1000, "5,001-10,000": 5001,
             "more than 10,000": 10001}
IGNORED = {"webinar.participant_joined": "attendance is counted at webinar.participant_left, with the minutes"}


def map_zoom(payload: Any, spec: SourceSpec, delivery: Delivery) -> Mapped:
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        return payload_error('Expected a Zoom event: {"event": "webinar....", "payload": {"object": {...}}}.', "event")
    event = payload["event"]
    webinar = get_path(payload, "payload.object")
    if event in IGNORED or event not in ("webinar.registration_created", "webinar.participant_left"):
        reason = IGNORED.get(event, f"{event} is not a touchpoint")
        return Mapped(ignored=[{"item": event, "reason": reason}])
    if not isinstance(webinar, dict):
        return payload_error("payload.object is missing.", "payload.object")
    occurrence = text(webinar.get("uuid")) or text(webinar.get("id")) or delivery.delivery_id
    properties = {k: v for k, v in {
        "webinar_id": text(webinar.get("id")), "webinar_topic": text(webinar.get("topic")), "platform": "zoom",
    }.items() if v is not None}
    sent_at = timestamp(payload.get("event_ts")) or iso(delivery.received_at)
    if event == "webinar.registration_created":
        return _registered(webinar.get("registrant"), occurrence, properties, sent_at, delivery)
    return _attended(webinar.get("participant"), occurrence, properties, sent_at, delivery)


def _registered(person: Any, occurrence: str, properties: dict, sent_at: str, delivery: Delivery) -> Mapped:
    if not isinstance(person, dict):
        return payload_error("payload.object.registrant is missing.", "payload.object.registrant")
    contact: dict = {}
    for path, name in REGISTRANT_CONTACT.items():
        if (value := text(person.get(name))) is not None:
            set_path(contact, path, value)
    if (size := EMPLOYEES.get((text(person.get("no_of_employees")) or "").lower())) is not None:
        set_path(contact, "company.employees", size)
    country = text(person.get("country"))
    if country and len(country) == 2:
        set_path(contact, "company.country", country)
    answers = {"timeline": person.get("purchasing_time_frame"), "authority": person.get("role_in_purchase_process")}
    properties |= {k: t for k, v in answers.items() if (t := text(v))}
    who = text(person.get("id")) or text(person.get("email")) or delivery.delivery_id
    return Mapped(touchpoints=[{
        "event_id": f"zoom:{occurrence}:registered:{who}",
        "type": "webinar_registered", "occurred_at": text(person.get("create_time")) or sent_at,
        "source": delivery.source, "contact": contact, "properties": properties,
    }])


def _attended(person: Any, occurrence: str, properties: dict, sent_at: str, delivery: Delivery) -> Mapped:
    if not isinstance(person, dict):
        return payload_error("payload.object.participant is missing.", "payload.object.participant")
    email = text(person.get("email"))
    if email is None:  # a guest who never registered: nobody to attribute it to
        return Mapped(ignored=[{"item": "webinar.participant_left", "reason": "the participant has no email"}])
    contact = {"email": email}
    if name := text(person.get("user_name")):
        first, _, last = name.partition(" ")
        contact |= {"first_name": first[:100]} | ({"last_name": last[:100]} if last else {})
    if (minutes := _minutes(person)) is not None:
        properties["minutes_watched"] = minutes
    questions = person.get("questions")
    asked = len(questions) if isinstance(questions, list) else person.get("questions_asked")
    if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 0:
        properties["questions_asked"] = asked
    return Mapped(touchpoints=[{
        "event_id": f"zoom:{occurrence}:attended:{email.lower()}",  # rejoining does not count twice
        "type": "webinar_attended", "occurred_at": text(person.get("leave_time")) or sent_at,
        "source": delivery.source, "contact": contact, "properties": properties,
    }])


def _minutes(person: dict) -> int | None:
    duration = person.get("duration")  # seconds, as Zoom's participant reports give it
    if isinstance(duration, int | float) and not isinstance(duration, bool) and duration >= 0:
        return round(duration / 60)
    try:
        joined = datetime.fromisoformat(str(person["join_time"]).replace("Z", "+00:00"))
        left = datetime.fromisoformat(str(person["leave_time"]).replace("Z", "+00:00"))
        return max(0, round((left - joined).total_seconds() / 60))
    except (KeyError, ValueError, TypeError):
        return None
