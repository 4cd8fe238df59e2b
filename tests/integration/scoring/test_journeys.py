"""Persona journeys through scoring's handler on the real database (no broker needed here)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from scoring.adapters.repository import SqlLeadScores
from scoring.domain.policy import ScoringPolicy
from scoring.handlers import ScoringHandlers

from lead_events import lead_id_for, lead_id_for_visitor

from tests.builders import a_contact, a_recorded

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


class Clock:
    now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def scoring(fresh_database, request):
    engine = make_engine(await fresh_database("scoring"))
    clock = Clock()
    policy = load_model(ROOT / "config/agreement.yaml", ScoringPolicy)
    if marker := request.node.get_closest_marker("sales_ready_at"):  # a threshold a test's facts cannot reach
        policy = policy.model_copy(update={"thresholds": policy.thresholds.model_copy(update={"sales_ready": marker.args[0]})})
    handlers = ScoringHandlers(policy, clock)
    sessions = make_sessionmaker(engine)

    async def send(*events) -> list:
        emitted = []
        for event in events:
            async with sessions() as session, session.begin():
                emitted += await handlers.on_touchpoint_recorded(session, event)
        return [e for _, e in emitted if e.event_type == "lead.stage_changed"]

    async def lead(lead_id):
        async with sessions() as session:
            return await SqlLeadScores(session).get(lead_id)

    yield send, lead, clock, handlers, sessions
    await engine.dispose()


async def test_head_of_purchasing_webinar_questions_and_tender_is_sales_ready(scoring):
    send, lead, *_ = scoring
    contact = a_contact()
    webinar, tender = a_recorded("webinar_attended", contact, questions_asked=2), a_recorded("tender_document_downloaded", contact)
    changes = await send(webinar, tender)
    assert changes[-1].data.to_stage == "sales_ready"
    named = {e.touchpoint_id for e in changes[-1].data.evidence}
    assert {webinar.event_id, tender.event_id} <= named
    assert any("strong buying signal" in (e.detail or "") for e in changes[-1].data.evidence)
    timeline = changes[-1].data.snapshot.timeline  # the activity sales get with the handoff
    assert [e.touchpoint_id for e in timeline if e.rule.startswith("behaviour.") and "depth" not in e.rule] == [webinar.event_id, tender.event_id]


async def test_competitor_with_heavy_engagement_is_disqualified_never_sales_ready(scoring):
    send, lead, *_ = scoring
    spy = a_contact(email="analyst@competitor.example")
    types = ["webinar_attended", "pricing_viewed", "tender_document_downloaded", "demo_requested", "contact_requested"]
    changes = await send(*[a_recorded(t, spy) for t in types])
    assert [c.data.to_stage for c in changes] == ["disqualified"]


async def test_forty_person_company_never_becomes_sales_ready(scoring):
    send, lead, *_ = scoring
    small = a_contact(company={"name": "Metallbau Kaiser", "employees": 40, "industry": "metalworking", "country": "DE"})
    changes = await send(*[a_recorded(t, small) for t in ["webinar_attended", "pricing_viewed", "demo_requested", "contact_requested"]])
    assert {c.data.to_stage for c in changes} == {"prospect"}
    assert (await lead(changes[0].lead_id)).stage == "prospect"


async def test_good_fit_contact_request_is_sales_ready_from_that_single_touchpoint(scoring):
    send, *_ = scoring
    changes = await send(a_recorded("contact_requested", a_contact()))
    assert [(c.data.from_stage, c.data.to_stage) for c in changes] == [(None, "sales_ready")]
    assert "fast lane" in changes[0].data.reason


async def test_replaying_a_touchpoint_changes_nothing(scoring):
    send, lead, *_ = scoring
    webinar = a_recorded("webinar_attended", a_contact())
    await send(webinar)
    assert await send(webinar, webinar) == []
    assert (await lead(webinar.lead_id)).stage == "marketing_lead"


async def test_lead_that_goes_quiet_for_months_decays_back(scoring):
    send, lead, clock, handlers, sessions = scoring
    quiet = a_contact(job_title="Sachbearbeiter", company={"name": "Handel GmbH", "employees": 850, "country": "DE"})
    event = a_recorded("webinar_attended", quiet)
    assert [c.data.to_stage for c in await send(event, a_recorded("whitepaper_downloaded", quiet))] == ["marketing_lead"]
    clock.now += timedelta(days=120)
    async with sessions() as session, session.begin():
        out = await handlers.review(session, event.lead_id)
    assert out[0][1].data.to_stage == "prospect" and out[0][1].data.reason.startswith("Engagement decayed")


async def test_anonymous_visits_count_for_the_lead_once_a_touchpoint_names_the_visitor(scoring):
    send, lead, *_ = scoring
    named = a_contact(anonymous_id="visitor-42")
    anonymous = {"anonymous_id": "visitor-42"}
    early = [a_recorded("pricing_viewed", anonymous), a_recorded("whitepaper_downloaded", anonymous)]
    assert early[0].lead_id == lead_id_for_visitor("visitor-42")  # as ingest keys a visitor
    assert await send(*early) == []  # kept, but nobody to score yet
    form = a_recorded("form_submitted", named)
    changes = await send(form)
    assert changes[0].lead_id == form.lead_id
    explained = {e.touchpoint_id for e in changes[0].data.evidence}
    assert {early[0].event_id, early[1].event_id} <= explained
    assert changes[0].data.snapshot.engagement_score == pytest.approx(20 + 10 + 10, abs=0.1)


async def test_a_known_visitors_later_anonymous_visits_count_for_the_lead(scoring):
    """Once a form named the visitor, the same browser's anonymous visits are the lead's behaviour."""
    _, _, _, handlers, sessions = scoring
    named = a_contact(anonymous_id="visitor-77")
    later = a_recorded("pricing_viewed", {"anonymous_id": "visitor-77"})

    async def scored(event):
        async with sessions() as session, session.begin():
            out = await handlers.on_touchpoint_recorded(session, event)
        return [e for _, e in out if e.event_type == "lead.scored"]

    [first] = await scored(a_recorded("form_submitted", named))
    [after] = await scored(later)
    assert after.lead_id == first.lead_id == lead_id_for(named["email"])
    assert after.data.touchpoint_id == later.event_id
    assert after.data.engagement_score > first.data.engagement_score

    stranger = a_recorded("pricing_viewed", {"anonymous_id": "visitor-unknown"})
    assert await scored(stranger) == []  # not known yet: kept for when they name themselves


async def test_an_anonymous_visit_adds_behaviour_but_never_consent_or_profile(scoring):
    """On a shared computer the browser is not the person: what it agrees to is not theirs."""
    _, lead, _, handlers, sessions = scoring
    named = a_contact(anonymous_id="visitor-88")
    form = a_recorded("form_submitted", named)
    form = form.model_copy(update={"data": form.data.model_copy(update={"consent": None})})
    anonymous = a_recorded("form_submitted", {"anonymous_id": "visitor-88",
                                                      "company": {"name": "Someone Else GmbH", "employees": 5}})
    assert anonymous.data.consent.email_marketing is True  # the builder's default: consent given
    for event in (form, anonymous):
        async with sessions() as session, session.begin():
            await handlers.on_touchpoint_recorded(session, event)
    known = await lead(form.lead_id)
    assert known.consent is None
    assert known.profile.company_name == named["company"]["name"]


async def test_an_unsubscribe_reaches_the_consent_sales_are_told_and_a_late_old_opt_in_does_not_undo_it(scoring):
    send, lead, clock, handlers, sessions = scoring
    contact = a_contact()
    now = clock.now
    opted_in = a_recorded("whitepaper_downloaded", contact).model_copy(update={"occurred_at": now - timedelta(days=2)})
    unsubscribed = a_recorded("unsubscribed", contact).model_copy(update={"occurred_at": now - timedelta(hours=1)})
    unsubscribed = unsubscribed.model_copy(update={"data": unsubscribed.data.model_copy(update={"consent": None})})
    await send(unsubscribed, opted_in)  # the older opt-in arrives last
    record = (await lead(opted_in.lead_id)).consent
    assert record["email_marketing"] is False and record["double_opt_in_at"] is None
    contact_request = a_recorded("contact_requested", contact)
    contact_request = contact_request.model_copy(update={"data": contact_request.data.model_copy(update={"consent": None})})
    [ready] = await send(contact_request)
    assert ready.data.to_stage == "sales_ready"
    assert ready.data.snapshot.consent.email_marketing is False  # what the handoff tells the CRM


async def test_a_lead_read_back_lists_its_strong_buying_signals(scoring):
    send, _, _, handlers, sessions = scoring
    contact = a_contact()
    webinar, page = a_recorded("webinar_attended", contact), a_recorded("page_visited", contact)
    await send(webinar, page)
    async with sessions() as session:
        ledger = await SqlLeadScores(session).ledger(webinar.lead_id)
    strong = {l.touchpoint_id for l in ledger if l.strong}
    assert strong == {webinar.event_id}  # as the fresh event said; a page visit is no buying signal


def _facts(contact: dict, rnd, now: datetime) -> list:
    """One person's touchpoints over six weeks: forms that change the profile and the consent,
    page visits enough to meet their cap, a webinar, an unsubscribe."""
    from lead_events import Consent

    out = []
    for _ in range(3):
        company = dict(contact["company"], employees=rnd.choice([40, 850, 5000]))
        form = a_recorded("form_submitted", dict(contact, job_title=rnd.choice(["CFO", "Sachbearbeiter", "Leiterin Einkauf"]),
                                                 company=company))
        consent = rnd.choice([None, Consent(email_marketing=True), Consent(email_marketing=False)])
        out.append(form.model_copy(update={"data": form.data.model_copy(update={"consent": consent})}))
    only_email = {"email": contact["email"]}  # what a tracking pixel or an email system knows
    out += [a_recorded("page_visited", only_email) for _ in range(16)]
    out += [a_recorded("webinar_attended", only_email, questions_asked=1), a_recorded("unsubscribed", only_email)]
    return [e.model_copy(update={"occurred_at": now - timedelta(days=rnd.uniform(0, 42))}) for e in out]


def _as(events: list, contact: dict) -> list:
    """The same facts about another person (another email, another lead, event ids of its own that
    a duplicate shares): times and contents kept."""
    import uuid

    from lead_events import Contact

    other = Contact.model_validate(contact)
    return [e.model_copy(update={
        "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{contact['email']}/{e.event_id}")),
        "lead_id": lead_id_for(contact["email"]),
        "data": e.data.model_copy(update={"contact": e.data.contact.model_copy(update={"email": other.email})}),
    }) for e in events]


@pytest.mark.sales_ready_at(1000)
async def test_the_same_facts_in_any_order_with_duplicates_give_the_same_profile_consent_score_and_stage(scoring):
    """Event time is the truth: profile, consent and caps follow occurred_at, not arrival, and so
    does the stage between prospect and marketing lead (which facts can move both ways). A lead
    handed to sales stays handed: a late fact does not recall it, so the threshold here is out of
    reach (a head of purchasing's form read before a clerk's later one can pass 100 for a while)."""
    import random

    from scoring.domain.score import score_lead

    send, lead, clock, handlers, sessions = scoring
    rnd = random.Random()
    for _ in range(6):
        first, second = a_contact(), a_contact()
        facts = _facts(first, rnd, clock.now)
        shuffled = _as(facts, second) + _as(rnd.sample(facts, k=5), second)  # five arrive twice
        rnd.shuffle(shuffled)
        await send(*sorted(facts, key=lambda e: e.occurred_at))
        await send(*shuffled)

        seen = []
        for contact in (first, second):
            state = await lead(lead_id_for(contact["email"]))
            async with sessions() as session:
                ledger = await SqlLeadScores(session).ledger(state.lead_id)
            score = score_lead(state.profile, ledger, clock.now, handlers.policy, state.engagement_since)
            consent = {k: v for k, v in (state.consent or {}).items() if k != "recorded_at"}
            seen.append((replace_email(state.profile), consent, round(score.engagement, 6), round(score.fit.score, 6), state.stage))
        assert seen[0] == seen[1], [(e.occurred_at, e.data.type) for e in sorted(facts, key=lambda e: e.occurred_at)]


def replace_email(profile):
    from dataclasses import replace
    return replace(profile, email=None)
