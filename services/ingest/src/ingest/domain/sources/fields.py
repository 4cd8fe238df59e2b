"""Small helpers every adapter uses to read a sender's payload."""

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
