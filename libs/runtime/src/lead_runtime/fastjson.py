"""JSON for what we write ourselves (JSONB columns, log lines): orjson, several times faster than
the standard library on the hot path of every consumer. Reading stays the standard library's:
orjson turns an integer beyond 64 bits into a float, and a sender's property must come back as
it was sent. Input from strangers keeps its own parser (ingest's intake), whose refusals are
part of the contract."""

import dataclasses
import json
from datetime import date, datetime

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value, default=None) -> str:
    try:
        return orjson.dumps(value, default=default, option=_OPTIONS).decode()
    except TypeError:  # an integer beyond 64 bits (a sender's property): the standard library writes it
        return json.dumps(value, default=lambda o: _plain(o, default), ensure_ascii=False)


def _plain(value, default):
    """What orjson writes natively, for the standard library's fallback."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if default is not None:
        return default(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


loads = json.loads
