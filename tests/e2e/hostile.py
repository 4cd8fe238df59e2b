"""Hostile requests for the stack fuzz (test_fuzz_stack.py), beside what schemathesis generates
from each service's OpenAPI: what its generator never produces (lone surrogates, NUL in keys,
bytes that are not UTF-8, NaN, JSON too deep or too large, encoded path segments, edge dates and
numbers) as fixed cases, and realistic payloads of every source with hostile values put in, so the
adapters and the consumers behind a 202 meet them too."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st
from reporting.reports import RATE_KEYS

from tests.builders import a_contact, a_touchpoint
from tests.unit.ingest.examples import DOWNLOAD, FORM, SENDGRID, ZOOM_LEFT, ZOOM_REGISTERED

JSON = {"content-type": "application/json"}
TOUCHPOINTS = "POST /v1/touchpoints"
WEBHOOKS = "POST /v1/webhooks/{source}"

# Text that has broken, or could break, a store, a codec, a regex or a redaction.
HOSTILE_TEXT = (
    "\x00", "a\x00b", "\ud800", "\udfff", "x\udbff", "\ud83d\ude00", "\ufeff", "\u202e", "\u200b", "\uffff",
    "\U0010ffff", "\x7f", "\x1b[31m", "\r\n", "\t", " ", "", "%00", "%2F..%2F", "../../etc/passwd",
    "'; DROP TABLE leads; --", "${jndi:ldap://x/a}", "<script>alert(1)</script>", "{{7*7}}", "\\", '"',
    "[erased]", "erased", "Rase", "Eras", "ras", "[", ".*", "(a+)+$", "\\1", "$1", "Ä" * 101, "x" * 5000,
    "\U0001f3ed" * 60, "NaN", "-0", "1e999", "null",
)
# Names a person may really have (or that collide with the redaction marker): accepted, then erased.
AWKWARD_NAMES = ("Rase", "Eras", "ras", "[erased]", "erased", "O'Brien", "Ærøskøbing", "\u202eAnna", "Zoë\u0301",
                 "Smith\U0001f3ed", "\\1", "$1", ".*", "Müller-Lüdenscheidt", "Ä" * 100)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.one_of(st.characters(), st.characters(codec=None, categories=["Cs"]), st.sampled_from("\x00\ufeff")),
            max_size=30),
)
hostile_value = st.recursive(
    st.one_of(hostile_text, st.integers(-(2**70), 2**70), st.floats(), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)


@dataclass(frozen=True)
class Probe:
    """One request, exactly as sent: `url` holds the (percent-encoded) path and query."""

    service: str
    label: str  # the operation, e.g. "POST /v1/touchpoints"
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


def as_json(doc: Any) -> bytes:
    """JSON as Python writes it: lone surrogates as \\ud800 escapes, NaN and Infinity as bare words."""
    return json.dumps(doc, ensure_ascii=True).encode()


@st.composite
def mutated(draw, doc: Any, rate: int = 8) -> Any:
    """`doc` with about one value in `rate` replaced by a hostile one, keys dropped or added."""
    if isinstance(doc, dict):
        out = {}
        for key, value in doc.items():
            roll = draw(st.integers(0, rate * 2))
            if roll == 0:
                continue  # dropped
            if roll == 1:
                out[draw(hostile_text)] = draw(hostile_value)
            out[key] = draw(mutated(value, rate))
        return out
    if isinstance(doc, list):
        return [draw(mutated(item, rate)) for item in doc]
    roll = draw(st.integers(0, rate))
    if roll == 0:
        return draw(hostile_value)
    if roll == 1 and isinstance(doc, str):  # the value with hostile text inside it
        cut = draw(st.integers(0, len(doc)))
        return doc[:cut] + draw(hostile_text) + doc[cut:]
    return doc


@st.composite
def an_email(draw) -> str:
    """A valid, new address: each lead of the fuzz is a person of its own."""
    local = draw(st.sampled_from(["anna", "JÖRG", "o'brien", "a+b", "ü", "x" * 40]))
    domain = draw(st.sampled_from(["example-industrie.de", "Bücher.example", "gmail.com", "competitor.example"]))
    return f"{local}.{uuid.uuid4().hex[:12]}@{domain}"


@st.composite
def a_person(draw) -> dict:
    contact = a_contact(draw(an_email()), first_name=draw(st.sampled_from(AWKWARD_NAMES)),
                        last_name=draw(st.sampled_from(AWKWARD_NAMES)),
                        job_title=draw(st.sampled_from(["Leiterin Einkauf", "Berater", "CEO", "\u202eCTO"])))
    return contact


TYPES = ("page_visited", "email_clicked", "form_submitted", "webinar_attended", "pricing_viewed", "demo_requested",
         "contact_requested", "unsubscribed")


@st.composite
def touchpoint_bodies(draw) -> bytes:
    """One touchpoint, or a batch, of new people with awkward names; now and then a hostile value."""
    def one() -> dict:
        doc = a_touchpoint(draw(st.sampled_from(TYPES)), draw(a_person()), page_url=draw(hostile_text))
        return draw(mutated(doc, rate=draw(st.sampled_from([6, 30, 1000]))))

    if draw(st.integers(0, 4)) == 0:
        return as_json({"touchpoints": [one() for _ in range(draw(st.integers(1, 12)))]})
    return as_json(one())


def _with_email(doc: Any, email: str) -> Any:
    """The example with each address replaced by `email` (so its leads are new)."""
    text = json.dumps(doc).replace("anna.schmidt@example-industrie.de", email).replace(
        "max.muster@example-industrie.de", email.replace("@", ".m@"))
    return json.loads(text.replace("Anna.Schmidt@Example-Industrie.de", email))


SOURCE_EXAMPLES = {"website-form": [FORM], "webinars": [ZOOM_REGISTERED, ZOOM_LEFT], "downloads": [DOWNLOAD],
                   "email-events": [SENDGRID]}


@st.composite
def webhook_probes(draw, base: str) -> Probe:
    """A source's own payload (as its docs show it) for a new person, with hostile values put in."""
    source = draw(st.sampled_from(sorted(SOURCE_EXAMPLES)))
    example = _with_email(draw(st.sampled_from(SOURCE_EXAMPLES[source])), draw(an_email()))
    doc = draw(mutated(example, rate=draw(st.sampled_from([4, 12, 1000]))))
    headers = {**JSON, "webhook-id": draw(st.one_of(st.none(), st.uuids().map(str), hostile_text)) or ""}
    headers = {k: v for k, v in headers.items() if v and v.isascii() and v.isprintable() and v == v.strip()}
    if source == "website-form" and isinstance(doc, dict) and draw(st.booleans()):  # the form as the browser posts it
        fields = {str(k): str(v) for k, v in doc.items()}
        body = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
        return Probe("ingest", WEBHOOKS, "POST", f"{base}/v1/webhooks/{source}", headers, body)
    return Probe("ingest", WEBHOOKS, "POST", f"{base}/v1/webhooks/{source}", headers, as_json(doc))


def _deep(depth: int, leaf: Any = 1) -> Any:
    doc = leaf
    for _ in range(depth):
        doc = {"a": doc}
    return doc


def _touchpoint(**contact: Any) -> dict:
    return a_touchpoint("webinar_attended", a_contact(**contact))


def _raw(template: dict, placeholder: str, json_text: str) -> bytes:
    """A touchpoint whose `placeholder` string is replaced by raw JSON text (escapes as the wire has them)."""
    return as_json(template).replace(json.dumps(placeholder).encode(), json_text.encode())


def ingest_probes(base: str) -> list[Probe]:
    """Bodies and paths that a hostile sender tries on ingest's touchpoint and webhook endpoints."""
    tp = f"{base}/v1/touchpoints"
    bodies: list[bytes] = []
    for escape in (r'"\ud800"', r'"\udfff"', r'"a\u0000b"', r'"\u0000"'):
        for where in ("source", "first_name", "email", "key", "value", "job_title"):
            doc = _touchpoint()
            if where == "source":
                doc["source"] = "PLACEHOLDER"
            elif where == "key":
                doc["properties"] = {"PLACEHOLDER": 1}
            elif where == "value":
                doc["properties"] = {"note": "PLACEHOLDER"}
            else:
                doc["contact"][where] = "PLACEHOLDER"
            text = as_json(doc).decode().replace('"PLACEHOLDER"', escape)
            bodies.append(text.encode())
    employees = _touchpoint()
    bodies += [
        _raw({**employees, "properties": {"n": "X"}}, "X", word) for word in ("NaN", "Infinity", "-Infinity", "1e400")
    ]
    big = _touchpoint(company={"name": "Big", "employees": 10**30, "annual_revenue_eur": 10**40})
    bodies += [as_json(big), as_json(_touchpoint(company={"annual_revenue_eur": 9_223_372_036_854_775_808}))]
    bodies += [as_json({**_touchpoint(), "properties": _deep(depth)}) for depth in (40, 70, 900)]
    bodies += [b'{"properties": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"]
    bodies += [as_json({**_touchpoint(), "properties": {"long": "x" * 900_000}})]  # under the 1 MB limit
    bodies += [as_json({**_touchpoint(), "properties": {"long": "x" * 1_100_000}})]  # over it
    bodies += [as_json({**_touchpoint(), "properties": {f"k{i}": i for i in range(20_000)}})]
    bodies += [as_json({**_touchpoint(), "occurred_at": at}) for at in
               ("0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00-14:00",
                "9999-12-31T23:59:59-14:00", "2026-02-30T10:00:00Z", "1e10")]
    bodies += [as_json(_touchpoint(company={"country": c, "domain": d})) for c, d in
               (("/ß", None), ("ŉx", None), ("de", "\u0130" * 200), ("DE", " Example-Industrie.DE "))]
    bodies += [as_json(_touchpoint(company={"annual_revenue_eur": n})) for n in (10**40, 1e308, -1, 2**63)]
    bodies += [as_json({"touchpoints": [_touchpoint() for _ in range(500)]}),
               as_json({"touchpoints": [_touchpoint() for _ in range(501)]}),
               as_json({"touchpoints": [{}] * 20_000}), b'{"touchpoints": []}',
               b'{"type": "page_visited", "type": "webinar_attended"}', b"", b"null", b"[]", b"1", b'"x"',
               b"\xef\xbb\xbf" + as_json(_touchpoint()), b'{"source": "\xed\xa0\x80"}', b"\xff\xfe{}",
               as_json(_touchpoint(email="a@b")), as_json(_touchpoint(email="x" * 250 + "@example.de")),
               as_json(_touchpoint(email='"quoted local"@example.de')), as_json(_touchpoint(email="anna@[127.0.0.1]"))]
    probes = [Probe("ingest", TOUCHPOINTS, "POST", tp, JSON, body) for body in bodies]
    doc = as_json(_touchpoint())
    probes += [Probe("ingest", TOUCHPOINTS, "POST", tp, {"content-type": ct}, doc) for ct in
               ("text/plain", "application/json; charset=latin-1", "application/x-www-form-urlencoded", "")]
    probes.append(Probe("ingest", TOUCHPOINTS, "POST", tp, {**JSON, "content-encoding": "gzip"}, doc))
    for source in ("email-events%2Fx", "..%2f..%2fetc", "%00", "%ED%A0%80", "%C0%AF", "a/b", "x" * 5000, "%2e%2e"):
        probes.append(Probe("ingest", WEBHOOKS, "POST", f"{base}/v1/webhooks/{source}", JSON, b"{}"))
    probes += [Probe("ingest", WEBHOOKS, "POST", f"{base}/v1/webhooks/{s}", JSON, body) for s, body in (
        ("website-form", as_json({"E-Mail": "\ud800@x.de", "form_id": "kontakt"})),
        ("website-form", b"E-Mail=a%00%40x.de&form_id=kontakt%ED%A0%80"),
        ("email-events", as_json([{"event": "open", "email": "a\x00@x.de", "timestamp": 1e400}])),
        ("email-events", as_json([{"event": "click", "email": "b@x.de", "timestamp": -(10**20)}] * 600)),
        ("webinars", as_json(_deep(100))), ("downloads", b"\xed\xa0\x80"),
    )]
    return probes


def path_probes(service: str, base: str, templates: list[str]) -> list[Probe]:
    """Each `{}` path parameter filled with an encoded hostile segment, as a client may send it."""
    segments = ("%00", "%ED%A0%80", "%C0%AF", "..%2F..%2Fv1%2Fagreement", "%252F", "%F0%9F%98%80", "%FF", "x" * 8000)
    return [Probe(service, f"GET {t}", "GET", base + t.replace("{}", s)) for t in templates for s in segments]


def query_probes(service: str, base: str, path: str, queries: list[str]) -> list[Probe]:
    return [Probe(service, f"GET {path}", "GET", f"{base}{path}?{q}") for q in queries]


DATES = ("from=0001-01-01T00:00:00%2B14:00", "from=0001-01-01T00:00:00Z", "to=9999-12-31T23:59:59-14:00",
         "to=0001-01-01T12:00:00Z", "from=%00", "to=%ED%A0%80", "from=2026-02-30T00:00:00Z", "from=1e400",
         "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "format=csv&from=0001-01-01T00:00:01Z")


# forged cursors: not base64, not JSON, a time before the year 1 in UTC, a NUL, a lone surrogate,
# a number beyond any column, too long
CURSORS = ("cursor=%00", "cursor=not-a-cursor", "cursor=WyIwMDAxLTAxLTAxVDAwOjAwOjAwKzE0OjAwIiwieCJd",
           "cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwWiIsIlx1MDAwMCJd", "cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwWiIsIlx1ZDgwMCJd",
           "cursor=Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ", "cursor=" + "A" * 600)


def other_probes(urls: dict[str, str]) -> list[Probe]:
    """The hostile paths, queries and bodies for scoring, nurture, handoff and reporting."""
    s, n, h, r = urls["scoring"], urls["nurture"], urls["handoff"], urls["reporting"]
    probes = path_probes("scoring", s, ["/v1/leads/{}"]) + path_probes("nurture", n, ["/v1/leads/{}/nurture"])
    probes += path_probes("handoff", h, ["/v1/handoffs/{}", "/v1/handoffs/{}/feedback"])
    probes += query_probes("scoring", s, "/v1/leads", [
        "email=%00", "email=%ED%A0%80", "email=" + "a" * 300, "limit=1e400", "limit=-1",
        "offset=99999999999999999999", "offset=9223372036854775808", "stage=%00", "email=a&email=b", *CURSORS])
    for path in ("/v1/handoffs/x", "/v1/handoffs/x/feedback"):
        probes += query_probes("handoff", h, path, ["limit=1e400", "limit=0", *CURSORS])
    for report in ("funnel", "sla", "attribution"):
        probes += query_probes("reporting", r, f"/v1/reports/{report}", list(DATES))
    probes += query_probes("reporting", r, "/", ["target=1e308&share=1&deal=1e-308", "target=inf&deal=1",
                                                 "target=nan", "target=1e400", "share=%00"])
    json_posts = [
        (n, "nurture", "PUT", "/v1/admin/pause", [{"reason": "\ud800"}, {"reason": "\x00"}, {"reason": "x" * 501}]),
        (h, "handoff", "POST", "/v1/crm/feedback", [
            {"handoff_id": "\ud800", "lead_id": "x", "outcome": "accepted"},
            {"handoff_id": "h", "email": "a\x00@x.de", "outcome": "won", "reason": "\x00"},
            {"handoff_id": "h", "lead_id": "x", "outcome": "lost", "at": "0001-01-01T00:00:00+14:00"},
            {"handoff_id": "h", "lead_id": "x", "outcome": "lost", "at": "9999-12-31T23:59:59-14:00"},
            {"handoff_id": "h", "lead_id": "x", "outcome": "won", "at": "0001-01-01T00:00:00Z"},
            {"handoff_id": "h" * 100_000, "lead_id": "x", "outcome": "rejected", "reason": "competitor"},
            _deep(900),
        ]),
        (r, "reporting", "POST", "/v1/plan", [
            {"revenue_target_eur": 1e308, "marketing_share": 1, "average_deal_eur": 1e-308},
            {"revenue_target_eur": 1e308, "marketing_share": 1, "average_deal_eur": 1,
             "rates": {k: 1e-308 for k in RATE_KEYS}},
            {"revenue_target_eur": 5e-324, "marketing_share": 5e-324, "average_deal_eur": 1e308},
        ]),
    ]
    for base, service, method, path, docs in json_posts:
        probes += [Probe(service, f"{method} {path}", method, base + path, JSON, as_json(d)) for d in docs]
        probes += [Probe(service, f"{method} {path}", method, base + path, JSON, body)
                   for body in (b"\xed\xa0\x80", b'{"a": NaN}', b"[" * 50_000, b"")]
    probes += [Probe(svc, "GET /docs", "GET", f"{url}/docs") for svc, url in urls.items()]
    return probes
