"""JSON for what we write ourselves (JSONB columns, log lines): orjson, several times faster than
the standard library on the hot path of every consumer. Input from strangers keeps its own
parser (ingest's intake), whose refusals are part of the contract."""

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value, default=None) -> str:
    return orjson.dumps(value, default=default, option=_OPTIONS).decode()


loads = orjson.loads
