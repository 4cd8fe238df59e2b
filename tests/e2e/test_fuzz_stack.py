"""Every public endpoint of every service, fuzzed against the running stack (real Kafka and
PostgreSQL): schemathesis from each service's live /openapi.json, valid and invalid requests,
plus hostile cases and mutated source payloads (fuzzing.py, hostile.py); ~1,200 requests, about
a minute with the stack's start. The in-process fuzz with fakes
(tests/unit/ingest/test_openapi_fuzz.py) stays the fast inner loop.

The contract's promises, checked over every answer: no 5xx and no silence (but a 503 with
Retry-After where ingest documents one, and /readyz, whose 503 is a readiness answer); every 4xx
is application/problem+json; every touchpoint ingest accepted is applied by scoring and by
nurture alike (nothing dead-lettered, every group's lag back to 0); every refused one is kept on
touchpoints.rejected with the bytes sent; and erasing the fuzzed people, awkward names and all,
wedges no service."""

import asyncio
import base64
import json
from collections import Counter, defaultdict

import asyncpg
import httpx
import pytest
from lead_events import lead_id_for, topics
from lead_runtime.offsets import read_once

from ingest.domain.rejection import KEPT_BODY_BYTES

from tests.e2e.fuzzing import ERASURE, Exchange, Fuzzed, fuzz
from tests.e2e.hostile import JSON, TOUCHPOINTS, Probe
from tests.kafka_tools import eventually, read_all

pytestmark = pytest.mark.e2e

RETRY_LATER = {("ingest", TOUCHPOINTS), ("ingest", "POST /v1/webhooks/{source}"), ("ingest", ERASURE)}
CONSUMED = {  # what each consuming service reads (the Subscription in its bootstrap)
    "scoring": [topics.TOUCHPOINTS, topics.LEAD_LIFECYCLE, topics.PRIVACY_ERASURES],
    "nurture": [topics.LEAD_LIFECYCLE, topics.TOUCHPOINTS, topics.PRIVACY_ERASURES],
    "handoff": [topics.LEAD_LIFECYCLE, topics.CRM_FEEDBACK, topics.PRIVACY_ERASURES],
    "reporting": [topics.LEAD_LIFECYCLE, topics.TOUCHPOINTS, topics.HANDOFF_LEADS, topics.CRM_FEEDBACK,
                  topics.PRIVACY_ERASURES],
}
ERASED_PEOPLE = 60


@pytest.fixture(scope="module")
async def fuzzed(stack) -> Fuzzed:
    return await fuzz({name: stack.url(name) for name in stack.services})


def answers_soundly(x: Exchange) -> bool:
    """Neither a server error nor silence."""
    if x.status == 503 and x.probe.label == "GET /readyz":
        return isinstance(doc := x.json(), dict) and doc.get("ready") is False
    if x.status == 503 and (x.probe.service, x.probe.label) in RETRY_LATER:
        return "retry-after" in x.headers
    return 0 < x.status < 500


def is_problem(x: Exchange) -> bool:
    doc = x.json()
    return (x.headers.get("content-type", "").startswith("application/problem+json") and isinstance(doc, dict)
            and doc.get("status") == x.status and bool(doc.get("title")) and bool(doc.get("detail")))


def listing(failures: list, shown: int = 8) -> str:
    more = f"\n... and {len(failures) - shown} more" if len(failures) > shown else ""
    return "\n".join(str(f) for f in failures[:shown]) + more


def test_the_fuzz_reached_every_operation_with_both_outcomes(fuzzed: Fuzzed, capsys):
    """A fuzzer that only ever meets 422s proves nothing."""
    tally = Counter((x.probe.service, f"{x.status // 100}xx" if x.status else "no answer") for x in fuzzed.exchanges)
    with capsys.disabled():
        print(f"\nstack fuzz: {len(fuzzed.exchanges)} requests, {len(fuzzed.operations)} operations; "
              + ", ".join(f"{svc} {cls} {n}" for (svc, cls), n in sorted(tally.items())))
    assert fuzzed.operations <= {(x.probe.service, x.probe.label) for x in fuzzed.exchanges}
    intake = [x.status for x in fuzzed.intake()]
    assert sum(s == 202 for s in intake) >= 50 and sum(400 <= s < 500 for s in intake) >= 100, intake


def test_no_request_gets_a_server_error_or_no_answer(fuzzed: Fuzzed):
    failures = [x for x in fuzzed.exchanges if not answers_soundly(x)]
    assert not failures, f"{len(failures)} of {len(fuzzed.exchanges)} requests:\n{listing(failures)}"


def test_every_client_error_is_a_problem_document(fuzzed: Fuzzed):
    failures = [x for x in fuzzed.exchanges if 400 <= x.status < 500 and not is_problem(x)]
    assert not failures, f"{len(failures)} answers not application/problem+json:\n{listing(failures)}"


def accepted(fuzzed: Fuzzed) -> tuple[set[str], set[str], set[str]]:
    """(event ids, lead ids, identified leads) of every accepted touchpoint. Identified: named by
    an email, in a touchpoint whose event id no other person's touchpoint had (a sender reusing
    its id for someone else is, by the contract, the same touchpoint sent again: counted once)."""
    event_ids, lead_ids, owners = set(), set(), defaultdict(set)
    for x in fuzzed.intake():
        if x.status not in (200, 202):
            continue
        answer = x.json()
        event_ids.update(answer["event_ids"])
        lead_ids.update(answer["lead_ids"])
        if x.probe.label == TOUCHPOINTS:
            doc = json.loads(x.probe.body)
            items = doc["touchpoints"] if "touchpoints" in doc else [doc]
            assert answer["accepted"] == len(items) == len(answer["lead_ids"]), str(x)  # a batch: all or nothing
            for item, event_id, lead in zip(items, answer["event_ids"], answer["lead_ids"]):
                owners[event_id].add(lead if item["contact"].get("email") else None)
    identified = {lead for leads in owners.values() if len(leads) == 1 for lead in leads if lead}
    return event_ids, lead_ids, identified


async def stored(stack, service: str, table: str, column: str, ids: set[str]) -> set[str]:
    """Which of `ids` the service's database has in `table`.`column`."""
    connection = await asyncpg.connect(stack.databases[service].replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await connection.fetch(f"SELECT {column} FROM {table} WHERE {column} = ANY($1)", list(ids))
    finally:
        await connection.close()
    return {r[0] for r in rows}


async def dead_letters(stack) -> dict[str, list]:
    dlqs = [topics.dlq(t) for t in topics.MAIN_TOPICS if t != topics.TOUCHPOINTS_REJECTED]
    found = await asyncio.gather(*(read_all(stack.kafka, t, timeout=1.5) for t in dlqs))
    return {t: [str(m)[:500] for m in messages[:3]] for t, messages in zip(dlqs, found) if messages}


async def caught_up(stack) -> None:
    """Nothing dead-lettered, and every group's lag back to 0 (offsets are committed once a second)."""
    assert not (dlq := await dead_letters(stack)), dlq
    kafka = stack.kafka

    async def lags() -> dict | None:
        found = {s: sum(r.lag for r in await read_once(kafka.bootstrap_servers, kafka.topic(s),
                                                       [kafka.topic(t) for t in consumed]))
                 for s, consumed in CONSUMED.items()}
        return None if any(found.values()) else found

    await eventually(lags, timeout=30)


async def test_every_accepted_touchpoint_is_applied_by_scoring_and_nurture_alike(fuzzed: Fuzzed, stack):
    event_ids, leads, identified = accepted(fuzzed)
    lead_ids = sorted(leads)

    async def gaps() -> dict:
        return {s: sorted(event_ids - await stored(stack, s, "processed_events", "event_id", event_ids))[:10]
                for s in ("scoring", "nurture")}

    async def applied() -> bool:
        return not any((await gaps()).values())

    try:
        await eventually(applied, timeout=60)
    except AssertionError:
        lost, dlq = await gaps(), await dead_letters(stack)
        raise AssertionError(f"accepted, not applied: {lost}; dead letters: {dlq}") from None
    await caught_up(stack)
    gate = asyncio.Semaphore(8)
    async with (httpx.AsyncClient(base_url=stack.url("scoring"), timeout=30) as scoring,
                httpx.AsyncClient(base_url=stack.url("nurture"), timeout=30) as nurture):

        async def known(client: httpx.AsyncClient, path: str) -> bool:
            async with gate:
                answer = await client.get(path)
            assert answer.status_code in (200, 404), (path, answer.status_code, answer.text[:300])
            return answer.status_code == 200

        seen = await asyncio.gather(*(asyncio.gather(known(scoring, f"/v1/leads/{lead}"),
                                                     known(nurture, f"/v1/leads/{lead}/nurture")) for lead in lead_ids))
    # an anonymous visitor is a lead of its own in nurture only (what it took up, adopted later)
    disagree = [(lead, s, n) for lead, (s, n) in zip(lead_ids, seen) if (s and not n) or (lead in identified and not s)]
    assert not disagree, f"(lead, known to scoring, known to nurture) of {len(disagree)} leads: {disagree[:10]}"


def kept_intact(sent: bytes, data) -> bool:
    """The bytes as sent, or (beyond 64 KiB) their start, cut at most inside the last character."""
    kept = base64.b64decode(data.raw_body) if data.raw_body_encoding == "base64" else data.raw_body.encode()
    if len(sent) <= KEPT_BODY_BYTES:
        return kept == sent
    return sent.startswith(kept) and len(kept) > KEPT_BODY_BYTES - 4


async def test_every_refused_touchpoint_is_kept_with_the_bytes_sent(fuzzed: Fuzzed, stack):
    refused = [x for x in fuzzed.intake() if 400 <= x.status < 500 and x.status != 429]  # 429: send later, not kept
    unnamed = [x for x in refused if not (isinstance(x.json(), dict) and x.json().get("rejection_id"))]
    assert not unnamed, f"refused without a rejection_id:\n{listing(unnamed)}"
    sent = {x.json()["rejection_id"]: x for x in refused}

    async def kept() -> dict:
        return {e.event_id: e for e in await read_all(stack.kafka, topics.TOUCHPOINTS_REJECTED) if hasattr(e, "data")}

    async def all_kept() -> dict | None:
        found = await kept()
        return found if set(sent) <= set(found) else None

    try:
        found = await eventually(all_kept, timeout=30)
    except AssertionError:
        lost = [sent[r] for r in set(sent) - set(await kept())]
        raise AssertionError(f"refused, not kept:\n{listing(lost)}") from None
    altered = [x for r, x in sent.items() if not kept_intact(x.probe.body or b"", found[r].data)]
    assert not altered, f"kept, but not the bytes that were sent:\n{listing(altered)}"


async def test_erasing_the_fuzzed_people_wedges_no_service(fuzzed: Fuzzed, stack):
    """Every person ingest accepted can be erased, the awkward names included (a name inside the
    marker `[erased]` once looped scoring and handoff for good), and every service honours it."""
    emails = sorted({item["contact"]["email"] for x in fuzzed.of("ingest", TOUCHPOINTS) if x.status == 202
                     for doc in [json.loads(x.probe.body)] for item in doc.get("touchpoints", [doc])
                     if item["contact"].get("email")})[:ERASED_PEOPLE]
    url = stack.url("ingest") + ERASURE.split()[1]
    people = [Probe("ingest", ERASURE, "POST", url, JSON, json.dumps({"email": e}).encode()) for e in emails]
    erased = await fuzz({name: stack.url(name) for name in stack.services}, only={ERASURE}, extra=people)
    unsound = [x for x in erased.exchanges if not answers_soundly(x) or (400 <= x.status < 500 and not is_problem(x))]
    assert not unsound, listing(unsound)
    refused = [x for x in erased.of("ingest", ERASURE) if x.probe in people and x.status != 202]
    assert not refused, f"a touchpoint's email, refused for erasure:\n{listing(refused)}"
    ids = {x.json()["erasure_id"] for x in erased.exchanges if x.status == 202}

    async def everywhere() -> bool:
        return all([ids <= await stored(stack, s, "privacy_erasures", "erasure_id", ids) for s in CONSUMED])

    await eventually(everywhere, timeout=60)
    await caught_up(stack)
    async with httpx.AsyncClient(base_url=stack.url("scoring"), timeout=10) as scoring:
        for email in emails:
            lead = (await scoring.get(f"/v1/leads/{lead_id_for(email)}")).json()
            assert lead.get("email") is None, (email, lead)  # 404 (never scored) or anonymised
    async with httpx.AsyncClient(timeout=10) as client:
        for name in stack.services:
            assert (await client.get(f"{stack.url(name)}/healthz")).status_code == 200, name
