from datetime import timedelta

from lead_events import (
    Consent, Contact, LeadSnapshot, LeadStageChanged, NurtureStepTriggered, Stage, StageChangeData,
    TouchpointData, TouchpointRecorded, derived_event_id, lead_id_for, lead_id_for_visitor, topics,
)
from nurture.handlers import NurtureHandlers, step_id_for

from .builders import NOW, a_catalogue
from .fakes import FakeNurtureLeads, FixedClock

EMAIL = "anna.schmidt@example-industrie.de"
LEAD = lead_id_for(EMAIL)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def a_stage_change(to_stage="marketing_lead", consent=True, persona="purchasing", email=EMAIL, event_id="lc-1"):
    return LeadStageChanged.new(
        lead_id=LEAD, event_id=event_id, correlation_id="tp-origin", occurred_at=NOW,
        data=StageChangeData(
            from_stage=None, to_stage=Stage(to_stage), reason="test", changed_by="scoring",
            snapshot=LeadSnapshot(
                email=email, persona=persona,
                consent=Consent(email_marketing=consent) if consent is not None else None,
            ),
        ),
    )


def a_touchpoint(type="page_visited", properties=None, consent=None, email=EMAIL, event_id="tp-1", at=NOW):
    return TouchpointRecorded.new(
        lead_id=LEAD, event_id=event_id, occurred_at=at,
        data=TouchpointData(
            type=type, source="website", contact=Contact(email=email), properties=properties or {},
            consent=Consent(email_marketing=consent) if consent is not None else None,
        ),
    )


def wiring():
    repo, clock = FakeNurtureLeads(), FixedClock(NOW)
    return NurtureHandlers(a_catalogue(), clock, repository=lambda _session: repo), repo, clock


async def test_marketing_lead_with_consent_gets_the_first_step_of_its_track():
    handlers, repo, _ = wiring()
    cause = a_stage_change()
    [(topic, event)] = await handlers.on_lead_stage_changed(None, cause)
    assert topic == topics.NURTURE_STEPS
    assert isinstance(event, NurtureStepTriggered)
    assert event.lead_id == LEAD
    assert event.data.content_id == "ml-ausschreibung"
    assert event.data.step_id == step_id_for(LEAD, "ml-ausschreibung")
    assert event.data.step_id == derived_event_id("nurture-step", LEAD, "ml-ausschreibung")
    assert (event.data.track, event.data.stage, event.data.email) == ("marketing_lead.purchasing", Stage.MARKETING_LEAD, EMAIL)
    assert (event.causation_id, event.correlation_id) == ("lc-1", "tp-origin")
    assert repo.step_rows[event.data.step_id]["cause"] == "lc-1"


async def test_a_replay_of_the_cause_yields_the_same_event_id():
    first, _, _ = wiring()
    second, _, _ = wiring()
    [(_, a)] = await first.on_lead_stage_changed(None, a_stage_change())
    [(_, b)] = await second.on_lead_stage_changed(None, a_stage_change())
    assert a.event_id == b.event_id


async def test_the_same_event_twice_sends_no_second_step():
    handlers, repo, _ = wiring()
    await handlers.on_lead_stage_changed(None, a_stage_change())
    assert await handlers.on_lead_stage_changed(None, a_stage_change()) == []
    assert len(repo.sent[LEAD]) == 1


async def test_touchpoint_before_the_lifecycle_event_is_kept_and_used():
    handlers, repo, _ = wiring()
    assert await handlers.on_touchpoint_recorded(None, a_touchpoint(consent=True)) == []
    assert repo.leads[LEAD].stage is None
    [(_, event)] = await handlers.on_lead_stage_changed(None, a_stage_change(consent=None, email=None))
    assert event.data.email == EMAIL


async def test_download_of_the_offered_content_advances_the_track():
    handlers, repo, clock = wiring()
    await handlers.on_lead_stage_changed(None, a_stage_change())
    clock.now = NOW + 3 * DAY
    answer = a_touchpoint("whitepaper_downloaded", {"content_id": "ml-ausschreibung"}, at=clock.now)
    [(_, event)] = await handlers.on_touchpoint_recorded(None, answer)
    assert event.data.content_id == "ml-lieferantenbewertung"
    assert event.data.reason == "The lead responded to 'Titel ml-ausschreibung'."
    assert repo.sent[LEAD][0].answered_at == clock.now


async def test_answer_within_the_gap_is_sent_by_the_worker_when_due():
    handlers, repo, clock = wiring()
    await handlers.on_lead_stage_changed(None, a_stage_change())
    clock.now = NOW + HOUR
    answer = a_touchpoint("email_clicked", {"step_id": step_id_for(LEAD, "ml-ausschreibung")}, at=clock.now)
    assert await handlers.on_touchpoint_recorded(None, answer) == []
    assert repo.next_due_at[LEAD] == NOW + 48 * HOUR

    clock.now = NOW + 48 * HOUR
    [lead] = await repo.due(clock.now, 10)
    [(_, event)] = await handlers.decide(repo, lead, clock.now, cause=None)
    assert event.data.content_id == "ml-lieferantenbewertung"
    assert (event.causation_id, event.correlation_id) == (None, "tp-origin")


async def test_without_a_response_the_worker_follows_up_after_a_week():
    handlers, repo, clock = wiring()
    await handlers.on_lead_stage_changed(None, a_stage_change())
    assert repo.next_due_at[LEAD] == NOW + 7 * DAY
    clock.now = NOW + 7 * DAY
    [lead] = await repo.due(clock.now, 10)
    [(_, event)] = await handlers.decide(repo, lead, clock.now, cause=None)
    assert event.data.reason == "No response to 'Titel ml-ausschreibung' within 7 days."


async def test_content_taken_up_before_nurturing_is_skipped():
    handlers, _, _ = wiring()
    await handlers.on_touchpoint_recorded(None, a_touchpoint("whitepaper_downloaded", {"content_id": "ml-ausschreibung"}))
    [(_, event)] = await handlers.on_lead_stage_changed(None, a_stage_change())
    assert event.data.content_id == "ml-lieferantenbewertung"


async def test_content_an_anonymous_visitor_took_up_is_not_sent_once_they_name_themselves():
    handlers, _, _ = wiring()
    visitor = lead_id_for_visitor("visitor-4711")
    anonymous = a_touchpoint("whitepaper_downloaded", {"content_id": "ml-ausschreibung"}, email=None, event_id="tp-v")
    await handlers.on_touchpoint_recorded(None, anonymous.model_copy(update={
        "lead_id": visitor, "data": anonymous.data.model_copy(update={"contact": Contact(anonymous_id="visitor-4711")})}))
    named = a_touchpoint("form_submitted", event_id="tp-2")
    await handlers.on_touchpoint_recorded(None, named.model_copy(update={
        "data": named.data.model_copy(update={"contact": Contact(email=EMAIL, anonymous_id="visitor-4711")})}))
    [(_, event)] = await handlers.on_lead_stage_changed(None, a_stage_change())
    assert event.data.content_id == "ml-lieferantenbewertung"


async def test_content_a_known_visitor_takes_up_anonymously_later_is_not_sent():
    handlers, repo, _ = wiring()
    named = a_touchpoint("form_submitted", event_id="tp-1")
    await handlers.on_touchpoint_recorded(None, named.model_copy(update={
        "data": named.data.model_copy(update={"contact": Contact(email=EMAIL, anonymous_id="visitor-8")})}))
    later = a_touchpoint("whitepaper_downloaded", {"content_id": "ml-ausschreibung"}, email=None, event_id="tp-2")
    await handlers.on_touchpoint_recorded(None, later.model_copy(update={
        "lead_id": lead_id_for_visitor("visitor-8"),
        "data": later.data.model_copy(update={"contact": Contact(anonymous_id="visitor-8")})}))
    assert "ml-ausschreibung" in repo.taken_up[LEAD]
    [(_, event)] = await handlers.on_lead_stage_changed(None, a_stage_change())
    assert event.data.content_id == "ml-lieferantenbewertung"


async def test_after_an_unsubscribe_a_stale_snapshot_sends_nothing():
    handlers, repo, _ = wiring()
    await handlers.on_touchpoint_recorded(None, a_touchpoint("unsubscribed", at=NOW - HOUR))
    assert await handlers.on_lead_stage_changed(None, a_stage_change(consent=True)) == []
    assert repo.leads[LEAD].consent is False
    assert repo.next_due_at[LEAD] is None


async def test_sales_ready_ends_nurturing():
    handlers, repo, _ = wiring()
    await handlers.on_lead_stage_changed(None, a_stage_change())
    assert await handlers.on_lead_stage_changed(None, a_stage_change("sales_ready", event_id="lc-2")) == []
    assert repo.leads[LEAD].handed_off is True
    assert repo.next_due_at[LEAD] is None


async def test_recycled_lead_gets_the_recycle_track():
    handlers, _, _ = wiring()
    [(_, event)] = await handlers.on_lead_stage_changed(None, a_stage_change("recycled"))
    assert event.data.content_id == "rc-marktbericht"
    assert event.data.track == "recycled.purchasing"


async def test_disqualified_lead_gets_nothing():
    handlers, _, _ = wiring()
    assert await handlers.on_lead_stage_changed(None, a_stage_change("disqualified")) == []
