"""Keyset paging for every list endpoint: a `limit` with a maximum and an opaque `cursor`.

A page is read with `WHERE (sort key) < (the last row's key) ORDER BY (sort key) LIMIT n + 1`,
through an index that matches the order: the cost of a page is the same whether it is the first
or the thousandth (an OFFSET reads and throws away every row before it). The cursor a client gets
in `next` is the last row's sort key, JSON in URL-safe base64; a client passes it back unchanged.
What it decodes to is checked like any input, so a forged cursor is a 400, never a server error.
"""

import base64
import binascii
from typing import Annotated, Any

from fastapi import Query
from lead_events.text import unsafe_fields
from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_json

from .problems import Problem

CURSOR_MAX_LENGTH = 512

CursorQuery = Annotated[str | None, Query(
    max_length=CURSOR_MAX_LENGTH,
    description="Where the page starts: `next` of the previous page, passed back unchanged. "
                "Leave it out for the first page.",
)]


def encode_cursor(*key: Any) -> str:
    """The opaque cursor of a row whose sort key is `key` (datetimes, strings, numbers)."""
    return base64.urlsafe_b64encode(to_json(list(key))).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, shape: TypeAdapter) -> Any:
    """The sort key a cursor of `encode_cursor` holds, validated as `shape` (a tuple type);
    anything else is a 400 problem."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = shape.validate_json(raw)
    except (binascii.Error, ValueError, ValidationError):
        key = None
    if key is None or unsafe_fields(list(key)):
        raise Problem(400, "Invalid cursor",
                      "cursor is not one this endpoint gave out: pass `next` of the previous page unchanged, "
                      "or leave cursor out for the first page.",
                      errors=[{"field": "query.cursor", "message": "not a cursor of this endpoint"}])
    return key


def next_cursor(rows: list, limit: int, key) -> str | None:
    """`next` of a page read with `limit + 1` rows: the cursor after its last shown row, or None
    when nothing follows. `key(row)` is the row's sort key."""
    return encode_cursor(*key(rows[limit - 1])) if len(rows) > limit else None
