"""Small helpers every adapter uses to read a sender's payload."""

import re
from datetime import UTC, datetime
from typing import Any

MAX_TEXT = 2000  # a form field longer than this is cut, not refused (free-text answers)


def text(value: Any) -> str | None:
    """A trimmed string, or None for missing/blank; numbers become their text, lists are joined."""
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        value = ", ".join(t for t in (text(v) for v in value) if t)
    if isinstance(value, bool):
        value = "yes" if value else "no"
    result = str(value).strip()
    return result[:MAX_TEXT] or None


def answer(value: Any, yes: list[str], no: list[str]) -> bool | None | str:
    """True/False for a recognised yes/no answer (checkboxes: absent is no); else the text as given."""
    if isinstance(value, bool):
        return value
    said = (text(value) or "").lower()
    if said in {y.lower() for y in yes}:
        return True
    if said in {n.lower() for n in no}:
        return False
    return said


def set_path(doc: dict, path: str, value: Any) -> None:
    """`company.name` -> doc["company"]["name"]."""
    *parents, last = path.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[last] = value


def get_path(doc: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


def timestamp(value: Any) -> str | None:
    """ISO 8601 text as sent (validated later), or Unix seconds/milliseconds as ISO 8601 UTC."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 100_000_000_000 else value  # Zoom sends ms, SendGrid s
        try:
            return datetime.fromtimestamp(seconds, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return str(value)  # refused by validation, naming the field
    return text(value)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


_GROUPED = re.compile(r"\d{1,3}(?:([.,'])\d{3})(?:\1\d{3})*")  # 1.200 / 1,200 / 1'200 / 12.500.000
_BAND = re.compile(r"(\d[\d.,' ]*)\s*(?:-|–|—|bis|to)\s*(\d[\d.,' ]*)", re.IGNORECASE)
_AT_LEAST = re.compile(r"(?:>=?|≥|ab|über|ueber|more than|over)?\s*(\d[\d.,' ]*)\s*\+?", re.IGNORECASE)


def _whole(value: str) -> int | None:
    """A whole number as people write it: 1200, 1.200, 1,200, 1 200, 1'200 (a thousands separator
    only where it groups three digits, so 1.5 is not read as 15)."""
    digits = value.strip().replace("\u00a0", " ").replace("\u202f", " ").replace(" ", "")
    if digits.isdigit():
        return int(digits)
    if _GROUPED.fullmatch(digits):
        return int(re.sub(r"[.,']", "", digits))
    return None


def count(value: Any) -> int | str | None:
    """A count such as a company's employees, as a form sends it: a number, a number with thousands
    separators, a band ("500-999", "500 bis 999": its lower bound, so a band never claims more than
    the person said), or "1000+" / "ab 1000". What cannot be read comes back as the text, for the
    caller to keep rather than refuse."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else text(value)
    said = text(value)
    if said is None:
        return None
    if (number := _whole(said)) is not None:
        return number
    if (band := _BAND.fullmatch(said)) and (low := _whole(band.group(1))) is not None and _whole(band.group(2)) is not None:
        return low
    if (at_least := _AT_LEAST.fullmatch(said)) and (low := _whole(at_least.group(1))) is not None:
        return low
    return said


COUNTS = ("company.employees", "company.annual_revenue_eur")


def read_counts(contact: dict) -> dict[str, str]:
    """The contact's counts read as people write them (see `count`), in place; what cannot be read
    is taken out and returned by path, so the touchpoint is accepted without it (a field we cannot
    read never costs a person their contact request) and the text is kept beside it."""
    unreadable = {}
    company = contact.get("company")
    for path in COUNTS:
        field = path.split(".", 1)[1]
        if not isinstance(company, dict) or field not in company:
            continue
        value = count(company[field])
        if isinstance(value, str):
            unreadable[path] = value
            del company[field]
        elif value is None:
            del company[field]
        else:
            company[field] = value
    return unreadable
