"""Progressive profiling: a form step asking for exactly what handoff still needs."""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from .model import ContentItem, LeadState, SentStep
from .policy import Profiling

FORM_PREFIX = "form-"
FORM_FORMAT = "form"
_CONTACT_FIELDS = ("email", "first_name", "last_name", "job_title", "phone")
_COMPANY_FIELDS = ("name", "domain", "employees", "annual_revenue_eur", "industry", "country")


def known_from_contact(contact: Mapping[str, Any] | None) -> set[str]:
    """Field paths a contact (or snapshot) fills, e.g. `last_name`, `company.name`."""
    contact = contact or {}
    known = {f for f in _CONTACT_FIELDS if _filled(contact.get(f))}
    company = contact.get("company") or {}
    return known | {f"company.{f}" for f in _COMPANY_FIELDS if _filled(company.get(f))}


def known_from_answers(properties: Mapping[str, Any], bant_fields: Sequence[str]) -> set[str]:
    """BANT answers a form or touchpoint carries in its properties."""
    return {f for f in bant_fields if _filled(properties.get(f))}


def missing(lead: LeadState, profiling: Profiling) -> tuple[str, ...]:
    wanted = (*profiling.required_fields, *profiling.bant_fields)
    return tuple(f for f in dict.fromkeys(wanted) if f not in lead.known)


def is_form(content_id: str) -> bool:
    return content_id.startswith(FORM_PREFIX)


def form_step(lead: LeadState, sent: Sequence[SentStep], profiling: Profiling | None) -> ContentItem | None:
    """The form to offer next on the lead's stage track, if one is due by the rules."""
    if profiling is None or lead.stage not in profiling.stages:
        return None
    fields = missing(lead, profiling)
    content_steps = sum(1 for s in sent if not is_form(s.content_id))
    forms = sum(1 for s in sent if is_form(s.content_id))
    if not fields or content_steps < profiling.after_steps or forms >= profiling.max_forms:
        return None
    content_id = FORM_PREFIX + "-".join(f.replace(".", "_") for f in fields)
    if any(s.content_id == content_id for s in sent):
        return None  # asked exactly this already; the lead chose not to answer
    separator = "&" if "?" in profiling.url else "?"
    return ContentItem(
        id=content_id, title=profiling.title, format=FORM_FORMAT, topic="profiling",
        personas=(), stage=lead.stage, url=f"{profiling.url}{separator}{urlencode({'fields': ','.join(fields)})}",
        fields=fields,
    )


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
