from dataclasses import replace
from datetime import timedelta

from nurture.domain import Blocker, JourneyRun, JourneyStep, journeys_started, plan_next
from nurture.domain.journeys import journey_next, journey_of

from .builders import ML, NOW, P, a_journey_catalogue, a_lead, a_sent_step

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
JOURNEY_TRACK = "journey.webinar-deep-dive.contracts"


def attended(content_id="wb-vertraege", lead=None, catalogue=None, at=NOW, **properties):
    catalogue = catalogue or a_journey_catalogue()
    return journeys_started(catalogue, lead or a_lead(), "webinar_attended", properties, content_id, at)


def a_run(topic="contracts", trigger="wb-vertraege", started=NOW - 2 * HOUR) -> JourneyRun:
    return JourneyRun("webinar-deep-dive", topic, started, trigger)


def plan(lead=None, sent=(), taken=None, now=NOW, run=None):
    taken = {"wb-vertraege": NOW - 2 * HOUR} if taken is None else taken
    return plan_next(lead or a_lead(), list(sent), taken, a_journey_catalogue(), now, [run or a_run()])


# --- trigger ---------------------------------------------------------------------------------


def test_webinar_attended_starts_the_journey_on_the_webinars_topic():
    [run] = attended()
    assert (run.journey_id, run.topic, run.trigger_content, run.started_at) == (
        "webinar-deep-dive", "contracts", "wb-vertraege", NOW)
    assert run.track == JOURNEY_TRACK


def test_another_touchpoint_type_starts_no_journey():
    catalogue = a_journey_catalogue()
    assert journeys_started(catalogue, a_lead(), "webinar_registered", {}, "wb-vertraege", NOW) == []


def test_topic_may_come_from_the_properties_when_no_known_content_is_named():
    [run] = attended(content_id=None, topic="oee")
    assert run.topic == "oee"


def test_a_journey_picking_by_topic_does_not_start_without_one():
    assert attended(content_id="unknown-webinar") == []


def test_journey_does_not_start_outside_its_stages():
    assert attended(lead=a_lead(stage=P), catalogue=_only_for_marketing_leads()) == []
    assert len(attended(lead=a_lead(stage=ML), catalogue=_only_for_marketing_leads())) == 1


def test_journey_for_some_personas_does_not_start_for_others():
    catalogue = _restricted(personas=frozenset({"production"}))
    assert attended(lead=a_lead(persona="purchasing"), catalogue=catalogue) == []
    assert len(attended(lead=a_lead(persona="production"), catalogue=catalogue)) == 1


# --- waits -----------------------------------------------------------------------------------


def test_whitepaper_is_planned_one_day_after_the_webinar_and_not_sent_before():
    result = plan(now=NOW)
    assert result.step.item.id == "wp-vertraege-einkauf"
    assert result.step.due_at == NOW - 2 * HOUR + DAY
    assert result.nothing_due.blocker == Blocker.AWAITING_RESPONSE
    assert result.nothing_due.until == NOW - 2 * HOUR + DAY


def test_whitepaper_is_due_once_the_wait_has_passed():
    result = plan(now=NOW - 2 * HOUR + DAY)
    assert result.nothing_due is None
    assert result.step.track == JOURNEY_TRACK
    assert result.step.reason.startswith("Journey webinar-deep-dive on contracts")


def test_invitation_waits_for_the_whitepaper_to_be_taken_up():
    sent = [a_sent_step("wp-vertraege-einkauf", HOUR, track=JOURNEY_TRACK, stage=ML)]
    result = plan(sent=sent, now=NOW + 30 * DAY)
    assert result.step is None
    assert result.nothing_due.blocker == Blocker.AWAITING_RESPONSE
    assert "Titel wp-vertraege-einkauf" in result.nothing_due.text
    assert result.nothing_due.until is None  # only the lead can change this


def test_download_of_the_whitepaper_makes_the_invitation_due_at_once():
    sent = [a_sent_step("wp-vertraege-einkauf", 3 * HOUR, track=JOURNEY_TRACK, stage=ML)]
    taken = {"wb-vertraege": NOW - DAY, "wp-vertraege-einkauf": NOW - HOUR}
    result = plan(sent=sent, taken=taken)
    assert result.step.item.id == "ev-deep-dive-vertraege"
    assert result.step.due_at == NOW  # due since the download, so now
    assert result.nothing_due is None


def test_journey_is_over_when_every_step_is_done():
    sent = [a_sent_step("wp-vertraege-einkauf", 3 * DAY, track=JOURNEY_TRACK, stage=ML),
            a_sent_step("ev-deep-dive-vertraege", 2 * DAY, track=JOURNEY_TRACK, stage=ML)]
    catalogue = a_journey_catalogue()
    found = journey_next(journey_of(catalogue, a_run()), a_run(), {s.content_id: s for s in sent},
                         {"wp-vertraege-einkauf": NOW - 2 * DAY}, catalogue, "purchasing")
    assert found is None


# --- content by format and topic, per persona ------------------------------------------------


def test_purchasing_gets_its_own_whitepaper_on_the_topic():
    assert plan(now=NOW + DAY).step.item.id == "wp-vertraege-einkauf"


def test_a_persona_without_material_on_the_topic_gets_the_general_one():
    assert plan(lead=a_lead(persona="management"), now=NOW + DAY).step.item.id == "wp-vertraege-allgemein"


def test_production_after_an_oee_webinar_gets_the_oee_whitepaper():
    run = a_run(topic="oee", trigger="wb-oee")
    result = plan(lead=a_lead(persona="production"), taken={"wb-oee": NOW - 2 * HOUR}, run=run, now=NOW + DAY)
    assert result.step.item.id == "wp-oee-fertigung"
    assert result.step.track == "journey.webinar-deep-dive.oee"


def test_the_trigger_content_is_never_offered_back():
    catalogue = _restricted(steps=(_step(format="webinar"),))
    found = journey_next(catalogue.journeys[0], a_run(), {}, {}, catalogue, "purchasing")
    assert found is None  # the only webinar on contracts is the one attended


# --- content the lead already has advances the journey ---------------------------------------


def test_whitepaper_already_sent_on_the_stage_track_is_not_sent_again():
    sent = [a_sent_step("wp-vertraege-einkauf", 10 * DAY)]  # on marketing_lead.purchasing
    result = plan(sent=sent, now=NOW + DAY)
    assert result.step is None
    assert result.nothing_due.blocker == Blocker.AWAITING_RESPONSE  # the invitation waits for a download


def test_whitepaper_downloaded_before_the_webinar_advances_to_the_invitation():
    taken = {"wb-vertraege": NOW - 2 * HOUR, "wp-vertraege-einkauf": NOW - 5 * DAY}
    result = plan(taken=taken)
    assert result.step.item.id == "ev-deep-dive-vertraege"
    assert result.nothing_due is None


def _step(**fields):
    return JourneyStep(wait=timedelta(0), **fields)


def _restricted(**fields):
    catalogue = a_journey_catalogue()
    return replace(catalogue, journeys=(replace(catalogue.journeys[0], **fields),))


def _only_for_marketing_leads():
    return _restricted(stages=frozenset({ML}))
