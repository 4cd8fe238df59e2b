"""kill -9 scoring in the middle of a stream: after restart every touchpoint counts exactly once."""

import asyncio

import httpx
import pytest
from lead_events import lead_id_for

from tests.builders import a_contact, a_touchpoint
from tests.kafka_tools import eventually

pytestmark = pytest.mark.e2e

LEADS, PER_LEAD, POINTS = 20, 10, 3  # email_clicked: 3 points each, no cap in the sample agreement


async def test_scoring_killed_mid_stream_counts_every_touchpoint_once(stack):
    contacts = [a_contact(job_title="Sachbearbeiter") for _ in range(LEADS)]
    bodies = [a_touchpoint("email_clicked", c) for _ in range(PER_LEAD) for c in contacts]
    batches = [bodies[i : i + 10] for i in range(0, len(bodies), 10)]
    scoring = stack.services["scoring"]

    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=30) as client:
        for n, batch in enumerate(batches):
            if n == len(batches) // 3:
                scoring.kill()  # no shutdown hook, no final commit
            if n == 2 * len(batches) // 3:
                scoring.start()
            answer = await client.post("/v1/touchpoints", json={"touchpoints": batch})
            assert answer.status_code == 202, answer.text
            await asyncio.sleep(0.05)
    await asyncio.to_thread(scoring.wait_ready)

    async def all_counted():
        async with httpx.AsyncClient(base_url=stack.url("scoring"), timeout=10) as client:
            leads = [await client.get(f"/v1/leads/{lead_id_for(c['email'])}") for c in contacts]
        found = [r.json() for r in leads if r.status_code == 200]
        return found if len(found) == LEADS and all(l["touchpoints"] == PER_LEAD for l in found) else None

    leads = await eventually(all_counted, timeout=90)
    for lead in leads:
        assert lead["engagement_score"] == pytest.approx(PER_LEAD * POINTS, abs=0.01), lead["lead_id"]
        [clicks] = [r for r in lead["explanation"]["behaviour_by_rule"] if r["rule"] == "behaviour.email_clicked"]
        assert clicks["lines"] == PER_LEAD  # each touchpoint's line written once
