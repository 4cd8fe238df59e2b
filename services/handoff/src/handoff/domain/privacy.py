"""A handoff's stored payload after its person asked to be erased: the company and the reasons stay."""

from lead_events import anonymise_contact, redact
from lead_events.privacy import personal_values


def erased_payload(payload: dict) -> tuple[dict, list[str]]:
    """The payload without the person, and the values removed (to redact from free text elsewhere)."""
    secrets = personal_values(payload.get("lead"))
    scrubbed = redact(payload, secrets)
    scrubbed["lead"] = anonymise_contact(scrubbed.get("lead"))
    return scrubbed, secrets
