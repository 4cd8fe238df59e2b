"""The SLA watcher against a real database, with a clock the test moves: breaches once per
deadline, escalates, reassigns to the next rep, stops once sales answered."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lead_events import Company, FeedbackData, Outcome, decode, lead_id_for
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import text

from handoff.agreement import load_policy
from handoff.handlers import on_lead_stage_changed, submit_feedback
from handoff.routing_config import load_routing
from handoff.sla_watch import SlaWatch
from handoff.views import handoff_report

from tests.workers import rounds_at_once

from .support import an_email, sales_ready

pytestmark = pytest.mark.integration

CONFIG = Path(__file__).resolve().parents[3] / "config"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def sessions(database):
    engine = make_engine(database)
    yield make_sessionmaker(engine)
    await engine.dispose()


def a_german_manufacturer_ready(email):
    event = sales_ready(email)
    snapshot = event.data.snapshot.model_copy(
        update={"company": Company(name="Example Industrie GmbH", domain="example-industrie.de",
                                   country="DE", industry="manufacturing")}
    )
    return event.model_copy(update={"data": event.data.model_copy(update={"snapshot": snapshot})})


async def hand_off(sessions, clock, email):
    policy, rules = load_policy(CONFIG), load_routing(CONFIG)
    async with sessions() as session, session.begin():
        return await on_lead_stage_changed(session, a_german_manufacturer_ready(email), policy=policy,
                                           clock=clock, push=False, rules=rules)


async def breach_events(sessions):
    async with sessions() as session:
        rows = (await session.execute(text("SELECT value FROM outbox ORDER BY id"))).all()
    return [e for e in (decode(r.value) for r in rows) if e.event_type == "lead.sla_breached"]


async def report(sessions, lead_id, now):
    async with sessions() as session:
        return (await handoff_report(session, lead_id, now))["handoffs"][0]


async def test_missed_deadlines_escalate_once_each_and_move_the_lead_to_the_next_rep(sessions):
    clock = Clock(T0)
    email = an_email()
    lead_id = lead_id_for(email)
    [(_, handed)] = await hand_off(sessions, clock, email)
    assert handed.data.assigned_to.rep_id == "rep-jonas-weber"
    assert handed.data.assigned_to.team == "dach-industry"
    watch = SlaWatch(sessions, load_policy(CONFIG), load_routing(CONFIG), clock)

    clock.now = T0 + timedelta(minutes=29)
    assert await watch.check_due() == 0  # nothing due: the index says so
    clock.now = T0 + timedelta(minutes=31)
    assert await watch.check_due() == 1
    assert await watch.check_due() == 0  # the breach is not reported twice

    [first] = await breach_events(sessions)
    assert first.data.deadline == "first_contact" and first.data.rep_id == "rep-jonas-weber"
    assert first.data.escalated_to == "sales-lead-dach@example.com"
    assert first.data.reassigned_to.rep_id == "rep-lena-fischer"
    assert first.data.reassigned_to.rule == "reassigned"
    assert "skipped rep-jonas-weber: already had this lead" in first.data.reassigned_to.explanation
    assert first.data.next_first_contact_due == T0 + timedelta(minutes=61)

    seen = await report(sessions, lead_id, clock.now)
    assert seen["handed_to"]["rep_id"] == "rep-lena-fischer"
    assert seen["sla"]["status"] == "breached" and seen["sla"]["first_contact"] == "breached"
    assert seen["sla"]["escalations"][0]["reassigned_to"] == "rep-lena-fischer"

    # The second rep misses too; nobody else in the team is left, so it is escalated only.
    clock.now = T0 + timedelta(minutes=62)
    await watch.check_due()
    second = (await breach_events(sessions))[1]
    assert second.data.rep_id == "rep-lena-fischer" and second.data.reassigned_to is None

    clock.now = T0 + timedelta(hours=24, minutes=1)
    await watch.check_due()
    clock.now = T0 + timedelta(days=3)
    await watch.check_due()
    events = await breach_events(sessions)
    assert [e.data.deadline for e in events] == ["first_contact", "first_contact", "hard_limit"]
    assert len({e.event_id for e in events}) == 3
    assert (await report(sessions, lead_id, clock.now))["sla"]["next_check_at"] is None


async def test_an_accepted_lead_is_never_reported_as_breached(sessions):
    clock = Clock(T0)
    email = an_email()
    lead_id = lead_id_for(email)
    await hand_off(sessions, clock, email)
    async with sessions() as session, session.begin():
        fb = FeedbackData(outcome=Outcome.ACCEPTED, at=T0 + timedelta(minutes=10), rep_id="rep-jonas-weber")
        await submit_feedback(session, lead_id, fb, policy=load_policy(CONFIG))
    watch = SlaWatch(sessions, load_policy(CONFIG), load_routing(CONFIG), clock)
    clock.now = T0 + timedelta(days=2)
    assert await watch.check_due() == 0
    assert await breach_events(sessions) == []
    sla = (await report(sessions, lead_id, clock.now))["sla"]
    assert sla["status"] == "met" and sla["escalations"] == []


async def test_a_duplicate_sales_ready_event_does_not_move_the_round_robin(sessions):
    clock = Clock(T0)
    email = an_email()
    await hand_off(sessions, clock, email)
    assert await hand_off(sessions, clock, email) == []  # same episode again
    [(_, other)] = await hand_off(sessions, clock, an_email())
    # Weights 2:1 interleave as jonas, lena, jonas; a counted duplicate would have made this jonas.
    assert other.data.assigned_to.rep_id == "rep-lena-fischer"
    [(_, third)] = await hand_off(sessions, clock, an_email())
    assert third.data.assigned_to.rep_id == "rep-jonas-weber"


async def test_two_watchers_at_once_check_each_handoff_once(sessions):
    """Two handoff workers (`serve worker` scaled past one) share the due handoffs through SKIP LOCKED."""
    clock = Clock(T0)
    for _ in range(12):
        await hand_off(sessions, clock, an_email())
    policy, rules = load_policy(CONFIG), load_routing(CONFIG)
    watchers = [SlaWatch(sessions, policy, rules, clock, batch_size=3) for _ in range(2)]
    clock.now = T0 + timedelta(minutes=31)
    assert await rounds_at_once(*(w.check_due for w in watchers)) == 12  # none claimed by both
    events = await breach_events(sessions)
    assert len(events) == 12 and len({e.data.handoff_id for e in events}) == 12
