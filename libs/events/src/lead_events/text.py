"""The one text policy at the edge: what UTF-8, Kafka and PostgreSQL cannot hold never gets past it.

JSON can carry two things our stores cannot: a lone UTF-16 surrogate (`"\\ud800"`, not encodable
as UTF-8, so neither a Kafka message nor a UUID v5 can be made of it) and NUL (`"\\u0000"`, which
PostgreSQL refuses in `text` and `jsonb`). Every string and every object key a client sends is
checked here before anything is accepted; what fails is refused naming the field.
"""

import re
from typing import Any

# Lone surrogates (a valid pair is already one character once JSON is decoded) and NUL.
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def unsafe_character(text: str) -> str | None:
    """What is wrong with `text` in words (and where), or None when it can be stored anywhere."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    what = "a NUL character (U+0000)" if char == "\x00" else f"a lone UTF-16 surrogate (U+{ord(char):04X})"
    return f"contains {what} at position {found.start()}; it cannot be stored. Remove it and send again"


def printable(text: str) -> str:
    """`text` with every unsafe character written as a \\uXXXX escape: safe to log, answer and keep."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def unsafe_fields(doc: Any, limit: int = 100) -> list[dict[str, str]]:
    """`{"field", "message"}` for each key or string in `doc` (nested) that fails the policy."""
    found: list[dict[str, str]] = []
    stack: list[tuple[Any, tuple[str, ...]]] = [(doc, ())]
    while stack and len(found) < limit:
        value, path = stack.pop()
        if isinstance(value, str):
            if (why := unsafe_character(value)) is not None:
                found.append({"field": ".".join(path), "message": f"The value {why}."})
        elif isinstance(value, dict):
            for key, item in value.items():
                key_text = str(key)
                at = (*path, printable(key_text))
                if (why := unsafe_character(key_text)) is not None:
                    found.append({"field": ".".join(at), "message": f"The key {why}."})
                stack.append((item, at))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(value))
    return sorted(found, key=lambda e: e["field"])


def cleaned(doc: Any) -> Any:
    """`doc` with every key and string made printable (for refusals, logs, problem documents)."""
    if isinstance(doc, str):
        return printable(doc)
    if isinstance(doc, dict):
        return {printable(str(k)): cleaned(v) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [cleaned(v) for v in doc]
    return doc
