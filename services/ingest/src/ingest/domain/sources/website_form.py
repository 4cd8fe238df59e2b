"""Website form submissions: a flat object of the form's fields, names mapped by `form:` in sources.yaml.

    {"form_id": "kontakt", "submission_id": "f-81723", "submitted_at": "2026-11-22T10:15:00Z",
     "E-Mail": "anna.schmidt@example-industrie.de", "Vorname": "Anna", "Budget": "50-100k",
     "Rueckruf": "ja", "Newsletter": "on", "visitor_id": "v-77"}
"""

from typing import Any

from lead_events import TouchpointType

from .config import SourceSpec
from .fields import answer, iso, read_counts, set_path, text, timestamp
from .model import Delivery, Mapped, payload_error

MAX_UNMAPPED_NAMES = 50


def map_form(payload: Any, spec: SourceSpec, delivery: Delivery) -> Mapped:
    if not isinstance(payload, dict):
        return payload_error("Expected a JSON object (or form fields) with the form's fields.")
    form = spec.form
    contact: dict = {}
    for path, name in form.contact.items():
        if (value := text(payload.get(name))) is not None:
            set_path(contact, path, value)
    unreadable = read_counts(contact)
    if form.visitor_id_field and (visitor := text(payload.get(form.visitor_id_field))):
        contact["anonymous_id"] = visitor
    properties: dict[str, Any] = {}
    for prop, name in form.properties.items():
        if (value := text(payload.get(name))) is not None:
            properties[prop] = value
    errors = []
    if form.may_contact_sales_field:
        said = answer(payload.get(form.may_contact_sales_field), form.yes_values, form.no_values)
        if isinstance(said, str):
            errors.append(_unclear(form.may_contact_sales_field, said, form.yes_values, form.no_values))
        else:
            properties["may_contact_sales"] = said
    consent = None
    if form.consent_field:  # an unticked checkbox is not sent at all: absent means no
        said = answer(payload.get(form.consent_field), form.yes_values, form.no_values)
        if isinstance(said, str):
            errors.append(_unclear(form.consent_field, said, form.yes_values, form.no_values))
        else:
            consent = {"email_marketing": said}
            properties["consent_field"] = form.consent_field  # with the source and time: where and when
    if errors:
        return Mapped(errors=errors)
    form_id = text(payload.get(form.form_id_field)) if form.form_id_field else None
    if form_id:
        properties["form_id"] = form_id
    used = {*form.contact.values(), *form.properties.values(), form.form_id_field, form.submission_id_field,
            form.submitted_at_field, form.visitor_id_field, form.may_contact_sales_field, form.consent_field}
    unmapped = sorted(str(k) for k in payload if k not in used)[:MAX_UNMAPPED_NAMES]
    if unmapped:
        properties["unmapped_fields"] = unmapped  # names only: shows a form change without keeping its data
    if unreadable:
        properties["unreadable_fields"] = unreadable  # kept as sent, left out of the profile
    submitted = timestamp(payload.get(form.submitted_at_field)) if form.submitted_at_field else None
    submission = text(payload.get(form.submission_id_field)) if form.submission_id_field else None
    touchpoint = {
        "event_id": submission or delivery.delivery_id,
        "type": _form_type(form_id, properties.get("may_contact_sales"), form),
        "occurred_at": submitted or iso(delivery.received_at),
        "source": delivery.source,
        "contact": contact,
        "properties": properties,
    }
    if consent is not None:
        touchpoint["consent"] = consent
    return Mapped(touchpoints=[touchpoint])


def _form_type(form_id: str | None, may_contact_sales: bool | None, form: Any) -> str:
    """The touchpoint type of a form; a contact form answered "no, don't call me" stays a form,
    since a contact request is the fast lane to sales and the person said no to it."""
    mapped = form.types_by_form.get(form_id or "", form.touchpoint_type)
    if mapped == TouchpointType.CONTACT_REQUESTED and may_contact_sales is False:
        return form.touchpoint_type
    return mapped


def _unclear(name: str, said: str, yes: list[str], no: list[str]) -> dict:
    return {
        "field": name,
        "message": f"{said!r} is neither yes ({', '.join(yes)}) nor no ({', '.join(v for v in no if v)});"
        " add it to yes_values/no_values in config/sources.yaml, then replay the rejection.",
    }
