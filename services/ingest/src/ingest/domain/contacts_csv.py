"""A row of a marketing-ops contact export -> a touchpoint document. Column names in English or German."""

import hashlib
import json
import re

from .sources.fields import read_counts

# normalised header -> contact path (or a touchpoint field)
COLUMNS = {
    "email": "email", "e_mail": "email", "email_address": "email", "e_mail_adresse": "email",
    "first_name": "first_name", "firstname": "first_name", "vorname": "first_name",
    "last_name": "last_name", "lastname": "last_name", "nachname": "last_name",
    "job_title": "job_title", "title": "job_title", "position": "job_title", "funktion": "job_title",
    "phone": "phone", "telefon": "phone",
    "company": "company.name", "company_name": "company.name", "firma": "company.name", "unternehmen": "company.name",
    "company_domain": "company.domain", "domain": "company.domain", "website": "company.domain",
    "employees": "company.employees", "mitarbeiter": "company.employees",
    "annual_revenue_eur": "company.annual_revenue_eur", "umsatz": "company.annual_revenue_eur",
    "industry": "company.industry", "branche": "company.industry",
    "country": "company.country", "land": "company.country",
    "anonymous_id": "anonymous_id", "visitor_id": "anonymous_id",
    "consent": "consent", "email_marketing": "consent", "newsletter": "consent", "einwilligung": "consent",
    "double_opt_in_at": "double_opt_in_at", "doi_at": "double_opt_in_at",
    "occurred_at": "occurred_at", "created_at": "occurred_at", "erstellt_am": "occurred_at",
}
YES = {"yes", "ja", "true", "1", "x", "y", "j"}
NO = {"no", "nein", "false", "0", "n", ""}
MAX_EXTRA_COLUMNS = 50


def column_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def email_of(row: dict[str, str]) -> str | None:
    """The row's email as ingest normalises it (trimmed, lower-cased), to tell one contact from two."""
    for header, value in row.items():
        if header is not None and COLUMNS.get(column_key(header)) == "email" and isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def row_id(row: dict[str, str]) -> str:
    """Same row, same id: importing a file twice counts each contact once."""
    canonical = json.dumps({k: (v or "").strip() for k, v in row.items()}, sort_keys=True, ensure_ascii=False)
    return "csv:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def row_touchpoint(row: dict[str, str], *, source: str, touchpoint_type: str, imported_at: str) -> dict:
    """Validated afterwards as a TouchpointIn; what is wrong is then named by field."""
    contact: dict = {}
    doc: dict = {"event_id": row_id(row), "type": touchpoint_type, "occurred_at": imported_at, "source": source,
                 "contact": contact, "properties": {"imported": True}}
    extra: dict[str, str] = {}
    for header, raw in row.items():
        if header is None:  # more cells than headers
            continue
        value = (raw if isinstance(raw, str) else "").strip()
        target = COLUMNS.get(column_key(header))
        if target is None:
            if value and len(extra) < MAX_EXTRA_COLUMNS:
                extra[column_key(header)] = value[:500]
        elif not value:
            continue
        elif target == "occurred_at":
            doc["occurred_at"] = value
        elif target == "consent":
            said = value.lower()
            doc.setdefault("consent", {})["email_marketing"] = True if said in YES else False if said in NO else value
        elif target == "double_opt_in_at":
            doc.setdefault("consent", {})["double_opt_in_at"] = value
        elif target.startswith("company."):
            contact.setdefault("company", {})[target.split(".", 1)[1]] = value
        else:
            contact[target] = value
    doc["properties"] |= extra
    if unreadable := read_counts(contact):
        doc["properties"]["unreadable_fields"] = unreadable
    return doc
