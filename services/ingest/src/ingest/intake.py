"""A received body becomes validated touchpoints, or a Refusal that says what was wrong."""

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from lead_events import TouchpointBatchIn, TouchpointIn
from lead_events.text import cleaned, unsafe_fields
from lead_runtime.problems import errors_summary, is_json_type, validation_errors
from pydantic import ValidationError

from .domain.model import BATCH_NOTE, ReceivedBody, Refusal

MAX_DEPTH = 64  # deeper JSON cannot be serialised again (and no sender needs it)
MAX_ERRORS = 100  # keeps the problem document and the rejection event small
SHAPE = 'one touchpoint object, or {"touchpoints": [...]} with 1 to 500 of them'


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading a body: touchpoints, or a refusal; `doc` is the JSON if it parsed."""

    touchpoints: list[TouchpointIn]
    refusal: Refusal | None = None
    doc: object = None


def is_form_type(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


def _refused(status: int, title: str, reason: str, errors: list[dict] | None = None, doc: object = None) -> Parsed:
    return Parsed([], Refusal(status, title, reason, errors or []), doc)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _too_deep(doc: object) -> str | None:
    """The path of the first value nested deeper than MAX_DEPTH, if any."""
    stack: list[tuple[object, tuple, int]] = [(doc, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return ".".join(str(p) for p in path[:8]) + "..."
        if isinstance(value, dict):
            stack.extend((v, (*path, k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i), depth + 1) for i, v in enumerate(value))
    return None


def _invalid(exc: ValidationError, doc: object, batch: bool) -> Parsed:
    details = exc.errors(include_url=False)
    errors = validation_errors(details)
    shown = errors[:MAX_ERRORS]
    if len(errors) > len(shown):
        shown.append({"field": "", "message": f"... and {len(errors) - len(shown)} more errors"})
    items = sorted({e["loc"][1] for e in details if len(e["loc"]) > 1 and e["loc"][0] == "touchpoints"})
    where = f" (touchpoints at index {', '.join(map(str, items[:20]))})" if batch and items else ""
    reason = f"Invalid touchpoint{'s' if batch else ''}{where}: {errors_summary(errors)}.{BATCH_NOTE if batch else ''}"
    return _refused(422, "Invalid touchpoint", reason, shown, doc)


def read_json(body: ReceivedBody, max_bytes: int, *, forms: bool = False) -> Parsed:
    """Size, encoding, media type and JSON syntax; `forms` also takes application/x-www-form-urlencoded."""
    if body.size > max_bytes:
        return _refused(
            413, "Body too large",
            f"The body has {body.size_text} bytes; the limit is {max_bytes}. Send smaller bodies (smaller batches).",
        )
    if body.content_encoding and body.content_encoding.strip().lower() != "identity":
        return _refused(415, "Unsupported content encoding", "Send the body uncompressed (no Content-Encoding).")
    is_form = forms and is_form_type(body.content_type)
    if not is_json_type(body.content_type) and not is_form:
        wanted = "application/json" + (" or application/x-www-form-urlencoded" if forms else "")
        given = body.content_type or "missing"
        return _refused(415, "Unsupported media type", f"Content-Type is {given}; send {wanted}.")
    try:
        text = body.raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _refused(400, "Body is not UTF-8", f"JSON must be UTF-8; byte {exc.start} is not.")
    if is_form:
        form = dict(parse_qsl(text, keep_blank_values=True))
        return _unsafe(errors, form) if (errors := unsafe_fields(form, MAX_ERRORS)) else Parsed([], None, form)
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return _refused(400, "Body is not JSON", "The JSON is nested too deeply to read.")
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers of thousands of digits
        return _refused(400, "Body is not JSON", f"The body is not valid JSON: {exc}.")
    if (path := _too_deep(doc)) is not None:
        errors = [{"field": path, "message": f"Nested more than {MAX_DEPTH} levels deep."}]
        return _refused(422, "Invalid touchpoint", f"{path} is nested more than {MAX_DEPTH} levels deep.", errors, doc)
    if errors := unsafe_fields(doc, MAX_ERRORS):
        return _unsafe(errors, doc)
    return Parsed([], None, doc)


def _unsafe(errors: list[dict], doc: object) -> Parsed:
    """NUL or a lone surrogate anywhere (keys too): refused before any code can meet it.

    The raw body is kept as it came; the doc the rejection reads its lead id and source from is
    the printable copy."""
    return _refused(422, "Invalid touchpoint", f"Invalid text: {errors_summary(errors)}", errors, cleaned(doc))


def validate_touchpoints(doc: object) -> Parsed:
    """One touchpoint object or {"touchpoints": [...]}, as POST /v1/touchpoints takes them."""
    if not isinstance(doc, dict):
        errors = [{"field": "", "message": f"Expected {SHAPE}."}]
        return _refused(422, "Invalid touchpoint", f"The body must be {SHAPE}.", errors, doc)
    batch = "touchpoints" in doc
    try:
        touchpoints = (
            list(TouchpointBatchIn.model_validate(doc).touchpoints) if batch else [TouchpointIn.model_validate(doc)]
        )
    except ValidationError as exc:
        return _invalid(exc, doc, batch)
    return Parsed(touchpoints, None, doc)


def parse_body(body: ReceivedBody, max_bytes: int) -> Parsed:
    parsed = read_json(body, max_bytes)
    return parsed if parsed.refusal is not None else validate_touchpoints(parsed.doc)
