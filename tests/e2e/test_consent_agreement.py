"""One consent, everywhere: a shuffled stream of consent statements (form opt-ins and opt-outs,
double opt-ins, unsubscribes, with duplicates) through the running stack. Afterwards scoring (what
the handoff tells sales) and nurture (who gets email) agree with each other and with the rule:
the latest statement by event time wins, a withdrawal wins a tie, and a double opt-in counts only
after the last withdrawal."""

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lead_events import lead_id_for
from lead_runtime.offsets import read_once

from tests.builders import a_contact, a_touchpoint
from tests.kafka_tools import eventually

pytestmark = pytest.mark.e2e

LEADS, STATEMENTS = 8, 6


def statements(contact: dict, rnd: random.Random, now: datetime) -> list[dict]:
    out = []
    for _ in range(STATEMENTS):
        at = now - timedelta(days=rnd.randint(1, 20), minutes=rnd.randint(0, 600))
        kind = rnd.choice(["opt_in", "opt_out", "confirmed", "unsubscribed"])
        body = a_touchpoint("unsubscribed" if kind == "unsubscribed" else "form_submitted", contact)
        body["occurred_at"] = at.isoformat()
        body["consent"] = {
            "opt_in": {"email_marketing": True},
            "opt_out": {"email_marketing": False},
            "confirmed": {"email_marketing": True, "double_opt_in_at": at.isoformat()},
            "unsubscribed": None,
        }[kind]
        out.append(body)
    return out


async def caught_up(stack, group: str, topic: str) -> bool:
    kafka = stack.kafka
    rows = await read_once(kafka.bootstrap_servers, kafka.topic(group), [kafka.topic(topic)])
    return bool(rows) and sum(r.lag for r in rows) == 0


def expected(bodies: list[dict]) -> bool | None:
    """The rule, written plainly: the latest statement wins; at the same moment a withdrawal."""
    said = [(datetime.fromisoformat(b["occurred_at"]), b["type"] == "unsubscribed" or not b["consent"]["email_marketing"])
            for b in bodies]
    at, withdrawn = max(said, key=lambda s: (s[0], s[1]))
    return not withdrawn


async def test_scoring_and_nurture_agree_on_consent_after_a_shuffled_stream(stack):
    rnd = random.Random()
    now = datetime.now(UTC)
    contacts = [a_contact() for _ in range(LEADS)]
    per_lead = {c["email"]: statements(c, rnd, now) for c in contacts}
    stream = [b for bodies in per_lead.values() for b in bodies]
    stream += rnd.sample(stream, k=len(stream) // 4)  # some arrive twice
    rnd.shuffle(stream)

    async with httpx.AsyncClient(timeout=30) as client:
        for i in range(0, len(stream), 10):
            answer = await client.post(f"{stack.url('ingest')}/v1/touchpoints", json={"touchpoints": stream[i:i + 10]})
            assert answer.status_code == 202, answer.text

        async def both_views():
            views = {}
            for email, bodies in per_lead.items():
                lead_id = lead_id_for(email)
                scored = await client.get(f"{stack.url('scoring')}/v1/leads/{lead_id}")
                nurtured = await client.get(f"{stack.url('nurture')}/v1/leads/{lead_id}/nurture")
                if scored.status_code != 200 or nurtured.status_code != 200:
                    return None
                if scored.json()["touchpoints"] != len(bodies):
                    return None
                views[email] = (scored.json()["consent"], nurtured.json()["consent"])
            return views

        await eventually(lambda: caught_up(stack, "nurture", "touchpoints"), timeout=60, interval=0.5)
        views = await eventually(both_views, timeout=60, interval=1)

    for email, (scoring, nurture) in views.items():
        want = expected(per_lead[email])
        said = (f"{email}: statements {[(b['occurred_at'], b['type'], b['consent']) for b in per_lead[email]]};"
                f" scoring {scoring}; nurture {nurture}")
        assert scoring["email_marketing"] is want, said
        assert nurture["email_marketing"] is want, said
        assert bool(scoring.get("double_opt_in_at")) == bool(nurture["double_opt_in_at"]), said
