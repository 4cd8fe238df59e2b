import base64
from datetime import UTC, datetime

from lead_events import lead_id_for

from ingest.domain.model import ReceivedBody, Refusal
from ingest.domain.rejection import KEPT_BODY_BYTES, kept_body, named_source, refused_lead_id, rejected_event

NOW = datetime(2026, 11, 22, 10, 16, tzinfo=UTC)


def test_a_utf8_body_is_kept_as_text():
    assert kept_body("{ü".encode()) == ("{ü", "utf-8", False)


def test_a_body_that_is_not_utf8_is_kept_as_base64():
    text, encoding, _ = kept_body(b"\xff\xfe{")
    assert encoding == "base64" and base64.b64decode(text) == b"\xff\xfe{"


def test_a_long_body_is_cut_without_breaking_a_character():
    raw = b"a" * (KEPT_BODY_BYTES - 1) + "ü".encode() + b"tail"
    text, encoding, truncated = kept_body(raw)
    assert (encoding, truncated) == ("utf-8", True)
    assert text == "a" * (KEPT_BODY_BYTES - 1)


def test_a_refused_touchpoint_with_an_email_is_keyed_by_its_lead():
    assert refused_lead_id({"contact": {"email": " A@B.de"}}, "r-1") == lead_id_for("a@b.de")


def test_a_refused_body_without_identity_is_keyed_by_the_rejection_id():
    assert refused_lead_id([1, 2], "r-1") == "r-1"
    assert refused_lead_id({"contact": {"email": 5}}, "r-1") == "r-1"


def test_the_source_is_named_only_when_the_body_agrees_on_one():
    assert named_source({"source": "web"}) == "web"
    assert named_source({"touchpoints": [{"source": "web"}, {"source": "web"}]}) == "web"
    assert named_source({"touchpoints": [{"source": "web"}, {"source": "crm"}]}) is None
    assert named_source("nonsense") is None
    assert named_source({"source": ["web"]}) is None


def test_a_truncated_body_says_so_and_how_big_it_was():
    body = ReceivedBody(b"x" * KEPT_BODY_BYTES, size=2_000_000, content_type="application/json")
    event = rejected_event(Refusal(413, "Body too large", "Too big."), body, doc=None, rejection_id="r-1", now=NOW)
    assert event.data.reason == f"Too big. (truncated: raw_body keeps the first {KEPT_BODY_BYTES} of 2000000 bytes)"
    assert len(event.data.raw_body) == KEPT_BODY_BYTES
    assert (event.event_id, event.correlation_id, event.lead_id) == ("r-1", "r-1", "r-1")
