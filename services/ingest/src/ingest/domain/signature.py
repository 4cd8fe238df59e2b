"""Standard Webhooks signatures (https://www.standardwebhooks.com): pure, time passed in as `now`.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the signature header holds one or
more space-separated `v1,<base64 HMAC-SHA256>` entries; secrets are `whsec_<base64 key>`.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

SECRET_PREFIX = "whsec_"
TOLERANCE = timedelta(minutes=5)  # the spec's replay window, both ways (clock skew)
MAX_ID_LENGTH = 200


class InvalidSecret(ValueError):
    """A configured secret is not `whsec_<base64>`; the message never repeats the secret."""


def parse_secret(text: str) -> bytes:
    raw = text.strip().removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSecret("not whsec_ followed by base64") from None
    if len(key) < 16:
        raise InvalidSecret(f"the key is {len(key)} bytes; use at least 16 (24 to 64 is usual)")
    return key


def sign(key: bytes, msg_id: str, timestamp: int | str, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class SignedHeaders:
    msg_id: str | None
    timestamp: str | None
    signature: str | None


def verify(keys: list[bytes], headers: SignedHeaders, body: bytes, now: datetime) -> str | None:
    """None when one of the keys signed this body within the window; else why not (for a person)."""
    missing = [n for n, v in (("webhook-id", headers.msg_id), ("webhook-timestamp", headers.timestamp),
                              ("webhook-signature", headers.signature)) if not v]
    if missing:
        return f"Unsigned: the {', '.join(missing)} header{'s are' if len(missing) > 1 else ' is'} missing."
    if len(headers.msg_id) > MAX_ID_LENGTH:
        return f"webhook-id is longer than {MAX_ID_LENGTH} characters."
    if not headers.timestamp.isdigit() or len(headers.timestamp) > 12:
        return "webhook-timestamp must be whole seconds since 1970 (UTC)."
    sent = int(headers.timestamp)
    skew = now.timestamp() - sent
    if abs(skew) > TOLERANCE.total_seconds():
        when = "too old" if skew > 0 else "in the future"
        return (f"webhook-timestamp is {when} ({int(abs(skew))} s off; the window is"
                f" {int(TOLERANCE.total_seconds())} s): sign each delivery attempt afresh.")
    offered = [s.split(",", 1)[1] for s in headers.signature.split() if s.startswith("v1,")]
    for key in keys:
        expected = sign(key, headers.msg_id, headers.timestamp, body).split(",", 1)[1]
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return None
    return "The signature does not match the body with any secret configured for this source."
