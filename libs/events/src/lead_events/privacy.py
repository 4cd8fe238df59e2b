"""Erasure of a person (GDPR Art. 17): the event every service honours, and pure scrubbing helpers.

The event carries the lead id only, never the email: `lead_id_for` is a one-way UUID v5 of the
normalised email, so the erasure request can travel and be kept without the personal data.
"""

import re
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from pydantic import Field

from .envelope import Envelope, Payload

ERASED = "[erased]"
# Contact fields that name or reach the person; the company (an organisation) is kept.
PERSONAL_FIELDS = ("email", "anonymous_id", "first_name", "last_name", "job_title", "phone")


class ErasureData(Payload):
    erasure_id: str = Field(description="Id of the erasure request; each service records it as done.")
    requested_by: str | None = Field(None, description="Who asked (an operator or system name), if given.")


class PrivacyErasureRequested(Envelope):
    """`lead_id` names the person (see `lead_events.identity.lead_id_for`); no personal data travels."""

    EVENT_TYPE: ClassVar[str] = "privacy.erasure_requested"
    event_type: Literal["privacy.erasure_requested"] = "privacy.erasure_requested"
    data: ErasureData


def anonymise_contact(contact: dict | None) -> dict | None:
    """A contact or lead snapshot dict without the person's identifying fields (company kept)."""
    if contact is None:
        return None
    return {k: (None if k in PERSONAL_FIELDS else v) for k, v in contact.items()}


def redact(value: Any, secrets: Iterable[str | None]) -> Any:
    """`value` (str, dict keys and values, list, nested) with every occurrence of each secret
    replaced by ERASED, whatever the case.

    One regex pass over the original text: a replacement is never searched again, so a secret
    that is part of the marker itself ("Rase", "eras") cannot loop. Longer secrets go first in
    the alternation, so "anna.schmidt@x.de" wins over "anna".
    """
    needles = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)
    if not needles:
        return value
    return _redact(value, re.compile("|".join(map(re.escape, needles)), re.IGNORECASE))


def _redact(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {_redact(k, pattern): _redact(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, pattern) for v in value]
    return value


def personal_values(contact: dict | None) -> list[str]:
    """The identifying strings of a contact, to redact wherever else they were written."""
    if not contact:
        return []
    return [v for k in PERSONAL_FIELDS if isinstance(v := contact.get(k), str) and k != "job_title"]


def anonymise_touchpoint(data: dict) -> dict:
    """A stored touchpoint's data (TouchpointData as JSON) without the person: contact fields
    emptied, and their values redacted wherever the sender repeated them (form fields)."""
    secrets = personal_values(data.get("contact"))
    scrubbed = redact(data, secrets)
    scrubbed["contact"] = anonymise_contact(data.get("contact"))
    return scrubbed
