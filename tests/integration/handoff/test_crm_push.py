"""A sales-ready lead reaches the CRM exactly once, however often the event or the push repeats."""

import asyncio
from pathlib import Path

import httpx
import pytest
from lead_events import LeadHandedOff, Stage, derived_event_id, lead_id_for, topics
from lead_runtime.db import make_engine, make_sessionmaker

from handoff.adapters.crm_client import HttpCrmClient
from handoff.agreement import load_policy
from handoff.crm_push import CrmPush
from handoff.handlers import on_lead_stage_changed, utc_now
from handoff.routing_config import load_routing
from handoff.settings import CrmSettings

from tests.processes import free_port
from tests.stubs.crm import CrmStub
from tests.workers import rounds_at_once

from .support import an_email, eventually, produce, read_events, run_handoff, sales_ready, wait_consumed

pytestmark = pytest.mark.integration


def with_data(event, **changes):
    return event.model_copy(update={"data": event.data.model_copy(update=changes)})


def handed_off(events):
    return [e for e in events if isinstance(e, LeadHandedOff)]


async def handoff_of(service, lead_id):
    response = await service.http.get(f"/v1/handoffs/{lead_id}")
    return response.json()["handoffs"][0] if response.status_code == 200 else None


async def test_duplicate_sales_ready_events_hand_the_lead_to_the_crm_once(database, kafka_settings, crm):
    email = an_email()
    lead_id = lead_id_for(email)
    first = sales_ready(email, episode=1)
    again_other_id = sales_ready(email, episode=1)
    async with run_handoff(database, kafka_settings, crm.url) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, first, first, again_other_id)
        await wait_consumed(kafka_settings, topics.LEAD_LIFECYCLE)
        handoff = await eventually(lambda: _delivered(service, lead_id))
        await asyncio.sleep(0.5)  # room for a wrong second push to show up
        events = await read_events(kafka_settings, topics.HANDOFF_LEADS, lambda found: len(found) >= 2, timeout=3)

    handoff_id = derived_event_id("handoff", lead_id, "1")
    assert list(crm.leads) == [handoff_id]
    assert [r.key for r in crm.requests] == [handoff_id]
    body = crm.leads[handoff_id]
    assert body["lead_id"] == lead_id and body["episode"] == 1
    assert body["lead"]["email"] == email
    assert body["why_now"][0]["rule"] == "behaviour.contact_requested"
    assert body["sla_first_contact_due"] and body["sla_hard_limit"]

    assert len(handed_off(events)) == 1
    event = handed_off(events)[0]
    assert event.data.handoff_id == handoff_id
    assert event.causation_id == first.event_id
    assert event.event_id == derived_event_id("lead.handed_off", handoff_id)

    assert handoff["delivery"]["status"] == "delivered"
    assert [a["status_code"] for a in handoff["delivery"]["attempts"]] == [200]
    assert handoff["sla"]["status"] == "due"


async def _delivered(service, lead_id):
    handoff = await handoff_of(service, lead_id)
    return handoff if handoff and handoff["delivery"]["status"] == "delivered" else None


async def test_crm_answering_500_then_429_still_ends_with_one_delivery(database, kafka_settings, crm):
    email = an_email()
    lead_id = lead_id_for(email)
    crm.fail_next(1, 500)
    crm.fail_next(1, 429, retry_after=1)
    async with run_handoff(database, kafka_settings, crm.url) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, sales_ready(email))
        handoff = await eventually(lambda: _delivered(service, lead_id))

    assert len(crm.leads) == 1
    assert [r.status for r in crm.requests] == [500, 429, 200]
    attempts = handoff["delivery"]["attempts"]
    assert [(a["status_code"], a["result"]) for a in attempts] == [(500, "retry"), (429, "retry"), (200, "delivered")]
    assert "500" in attempts[0]["error"]
    # Retry-After: 1 was honoured although the configured backoff is far shorter.
    assert crm.requests[2].at - crm.requests[1].at >= 0.9


async def test_a_crm_that_stored_the_lead_but_answered_too_late_keeps_one_lead(database, kafka_settings, crm):
    email = an_email()
    lead_id = lead_id_for(email)
    crm.hang_next(1, seconds=5, store_first=True)
    async with run_handoff(database, kafka_settings, crm.url) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, sales_ready(email))
        handoff = await eventually(lambda: _delivered(service, lead_id))

    assert len(crm.requests) == 2  # the push was repeated after the timeout ...
    assert len(crm.leads) == 1  # ... and the Idempotency-Key kept it one lead
    first = handoff["delivery"]["attempts"][0]
    assert first["status_code"] is None and "no answer" in first["error"]


async def test_after_the_retry_budget_the_handoff_is_failed_and_visible(database, kafka_settings, crm):
    email = an_email()
    lead_id = lead_id_for(email)
    crm.fail_next(10, 503)
    async with run_handoff(database, kafka_settings, crm.url, max_attempts=3) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, sales_ready(email))

        async def failed():
            handoff = await handoff_of(service, lead_id)
            return handoff if handoff and handoff["delivery"]["status"] == "failed" else None

        handoff = await eventually(failed)
        await asyncio.sleep(0.3)
        assert len(crm.requests) == 3

    assert [a["result"] for a in handoff["delivery"]["attempts"]] == ["retry", "retry", "failed"]
    assert handoff["delivery"]["next_attempt_at"] is None
    assert crm.leads == {}


async def test_without_a_crm_url_the_handoff_is_only_published(database, kafka_settings):
    email = an_email()
    lead_id = lead_id_for(email)
    async with run_handoff(database, kafka_settings, None) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, sales_ready(email))
        events = await read_events(kafka_settings, topics.HANDOFF_LEADS, lambda found: len(found) >= 1)
        handoff = await eventually(lambda: handoff_of(service, lead_id))

    assert len(handed_off(events)) == 1
    assert handoff["delivery"] == {
        "status": "not_configured", "attempts": [], "next_attempt_at": None, "delivered_at": None
    }


async def test_events_that_are_not_a_scoring_sales_ready_are_ignored(database, kafka_settings, crm):
    email = an_email()
    own = with_data(sales_ready(email), changed_by="handoff")
    other_stage = with_data(sales_ready(email), to_stage=Stage.MARKETING_LEAD)
    async with run_handoff(database, kafka_settings, crm.url) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, own, other_stage)
        await wait_consumed(kafka_settings, topics.LEAD_LIFECYCLE)
        response = await service.http.get(f"/v1/handoffs/{lead_id_for(email)}")
    assert response.status_code == 404
    assert crm.requests == []


async def test_a_failed_handoff_is_redriven_by_one_command_and_reaches_the_crm_once(database, kafka_settings, crm):
    from lead_runtime.db import make_engine, make_sessionmaker

    from handoff.handlers import utc_now
    from handoff.redrive import redrive

    email = an_email()
    lead_id = lead_id_for(email)
    crm.fail_next(2, 503)
    async with run_handoff(database, kafka_settings, crm.url, max_attempts=2) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, sales_ready(email))

        async def failed():
            handoff = await handoff_of(service, lead_id)
            return handoff if handoff and handoff["delivery"]["status"] == "failed" else None

        await eventually(failed)
        engine = make_engine(database)
        async with make_sessionmaker(engine)() as session, session.begin():
            assert len(await redrive(session, utc_now(), lead_id)) == 1
        async with make_sessionmaker(engine)() as session, session.begin():
            assert await redrive(session, utc_now(), lead_id) == []  # nothing failed any more
        await engine.dispose()
        handoff = await eventually(lambda: _delivered(service, lead_id))

    assert len(crm.leads) == 1
    assert [a["result"] for a in handoff["delivery"]["attempts"]] == ["retry", "failed", "redriven", "delivered"]
    assert handoff["assignment"]["rule"] == "default_team"  # no company: the default team's rep
    assert crm.leads[handoff["handoff_id"]]["assigned_to"]["rep_id"] == "rep-sofia-marino"


async def test_a_crm_down_for_a_while_gets_every_lead_once_when_it_is_back(database, kafka_settings):
    port = free_port()
    emails = [an_email() for _ in range(3)]
    down_for = 5.0  # far longer than 4 attempts x 0.5 s backoff: without the breaker they would fail
    async with run_handoff(database, kafka_settings, f"http://127.0.0.1:{port}/leads", max_attempts=4,
                           breaker_failures=2, breaker_cooldown_seconds=0.5, breaker_max_cooldown_seconds=1) as service:
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, *[sales_ready(e) for e in emails])
        await eventually(lambda: _attempted(service, lead_id_for(emails[0])))
        await asyncio.sleep(down_for)
        crm = CrmStub(port=port).start()
        try:
            for email in emails:
                await eventually(lambda email=email: _delivered(service, lead_id_for(email)), timeout=60)
        finally:
            crm.stop()
    assert len(crm.leads) == 3
    assert all(r.status == 200 for r in crm.requests)


async def _attempted(service, lead_id):
    answer = await service.http.get(f"/v1/handoffs/{lead_id}")
    return answer.status_code == 200 and answer.json()["handoffs"][0]["delivery"]["attempts"]


async def test_two_pushers_at_once_push_each_handoff_once(database, crm):
    """Two handoff workers (`serve worker` scaled past one) claim due pushes through SKIP LOCKED and a lease."""
    config = Path(__file__).resolve().parents[3] / "config"
    policy, rules = load_policy(config), load_routing(config)
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    try:
        for _ in range(12):
            async with sessions.begin() as session:
                await on_lead_stage_changed(session, sales_ready(an_email()), policy=policy, clock=utc_now, push=True,
                                            rules=rules)
        settings = CrmSettings(url=crm.url, batch_size=3)
        async with httpx.AsyncClient() as client:
            pushers = [CrmPush(sessions, HttpCrmClient(client, crm.url, 2.0, "POST", None), settings, policy, utc_now)
                       for _ in range(2)]
            pushed = await rounds_at_once(*(p.push_due for p in pushers))
    finally:
        await engine.dispose()
    assert pushed == 12
    assert len(crm.requests) == 12 and len({r.key for r in crm.requests}) == 12
