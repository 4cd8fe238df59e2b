from datetime import timedelta

import pytest
from lead_events import Stage
from nurture.domain import Blocker, next_step, plan_next, why_nothing

from .builders import NOW, P, RC, a_catalogue, a_lead, a_sent_step, an_item

DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def decide(lead, sent=(), consumed=(), catalogue=None, now=NOW):
    catalogue = catalogue or a_catalogue()
    return next_step(lead, list(sent), set(consumed), catalogue, now), why_nothing(
        lead, list(sent), set(consumed), catalogue, now
    )


# --- which content: persona, stage, track ----------------------------------------------------


def test_purchasing_marketing_lead_gets_the_first_item_of_its_track():
    step, nothing = decide(a_lead())
    assert step.item.id == "ml-ausschreibung"
    assert step.track == "marketing_lead.purchasing"
    assert step.due_at == NOW
    assert step.reason == "First step of track marketing_lead.purchasing."
    assert nothing is None


def test_production_lead_gets_the_production_track():
    step, _ = decide(a_lead(persona="production"))
    assert step.item.id == "ml-oee"
    assert step.persona == "production"


def test_persona_without_content_at_the_stage_falls_back_to_unknown():
    step, _ = decide(a_lead(persona="management"))
    assert step.item.id == "ml-allgemein"
    assert step.track == "marketing_lead.unknown"
    assert step.persona == "unknown"


def test_lead_without_persona_gets_the_unknown_track():
    step, _ = decide(a_lead(persona=None))
    assert step.item.id == "ml-allgemein"


def test_prospect_gets_prospect_content():
    step, _ = decide(a_lead(stage=P))
    assert step.item.id == "p-einkauf"
    assert step.stage == Stage.PROSPECT


def test_recycled_lead_gets_recycle_content_only():
    step, _ = decide(a_lead(stage=RC, handed_off=True))
    assert step.item.id == "rc-marktbericht"
    assert step.track == "recycled.purchasing"


def test_catalogue_order_is_the_track_order():
    catalogue = a_catalogue(an_item("zweites"), an_item("erstes"), an_item("x", personas=("unknown",)))
    step, _ = decide(a_lead(), catalogue=catalogue)
    assert step.item.id == "zweites"


# --- never twice, content taken up ----------------------------------------------------------


def test_content_already_sent_is_never_sent_again():
    sent = [a_sent_step("ml-ausschreibung", 10 * DAY, answered_at=NOW - 9 * DAY)]
    step, _ = decide(a_lead(), sent)
    assert step.item.id == "ml-lieferantenbewertung"


def test_content_sent_on_another_track_is_not_sent_again():
    # e.g. a new catalogue version moved the item to another stage
    catalogue = a_catalogue(an_item("lksg"), an_item("tco"), an_item("u", personas=("unknown",)))
    sent = [a_sent_step("lksg", 20 * DAY, track="prospect.purchasing")]
    step, _ = decide(a_lead(), sent, catalogue=catalogue)
    assert step.item.id == "tco"


def test_content_the_lead_took_up_on_their_own_is_skipped():
    step, _ = decide(a_lead(), consumed={"ml-ausschreibung"})
    assert step.item.id == "ml-lieferantenbewertung"


def test_exhausted_track_says_so():
    sent = [
        a_sent_step("ml-ausschreibung", 20 * DAY, answered_at=NOW - 19 * DAY),
    ]
    step, nothing = decide(a_lead(), sent, consumed={"ml-lieferantenbewertung"})
    assert step is None
    assert nothing.blocker == Blocker.EXHAUSTED
    assert "marketing_lead.purchasing" in nothing.text
    assert "2 items" in nothing.text
    assert nothing.until is None


# --- consent --------------------------------------------------------------------------------


def test_unknown_consent_gets_no_email():
    step, nothing = decide(a_lead(consent=None, consent_at=None))
    assert step is None
    assert nothing.blocker == Blocker.NO_CONSENT
    assert "explicit opt-in" in nothing.text


def test_declined_consent_gets_no_email():
    step, nothing = decide(a_lead(consent=False))
    assert step is None
    assert nothing.blocker == Blocker.NO_CONSENT
    assert "declined" in nothing.text


def test_unsubscribed_lead_gets_nothing_and_the_date_is_named():
    lead = a_lead(consent=False, consent_at=NOW - DAY, unsubscribed_at=NOW - DAY)
    step, nothing = decide(lead)
    assert step is None
    assert nothing.blocker == Blocker.UNSUBSCRIBED
    assert "2026-11-22 09:00 UTC" in nothing.text


def test_lead_without_email_address_gets_nothing():
    step, nothing = decide(a_lead(email=None))
    assert step is None
    assert nothing.blocker == Blocker.NO_EMAIL


# --- stages that leave nurturing ------------------------------------------------------------


@pytest.mark.parametrize("stage", ["sales_ready", "sales_accepted", "opportunity", "won", "lost"])
def test_lead_with_sales_has_left_nurturing(stage):
    step, nothing = decide(a_lead(stage=Stage(stage), handed_off=True))
    assert step is None
    assert nothing.blocker == Blocker.HANDED_OFF
    assert stage in nothing.text


def test_disqualified_lead_gets_nothing_even_with_consent():
    step, nothing = decide(a_lead(stage=Stage.DISQUALIFIED))
    assert step is None
    assert nothing.blocker == Blocker.DISQUALIFIED


def test_lead_without_stage_waits_for_scoring():
    step, nothing = decide(a_lead(stage=None))
    assert step is None
    assert nothing.blocker == Blocker.NO_STAGE


# --- cadence: response window and contact limits --------------------------------------------


def test_unanswered_step_holds_the_next_until_the_follow_up_time():
    sent = [a_sent_step("ml-ausschreibung", 3 * DAY)]
    step, nothing = decide(a_lead(), sent)
    assert step is None
    assert nothing.blocker == Blocker.AWAITING_RESPONSE
    assert nothing.until == NOW + 4 * DAY
    assert "Titel ml-ausschreibung" in nothing.text


def test_without_response_the_next_step_follows_after_the_follow_up_time():
    sent = [a_sent_step("ml-ausschreibung", 7 * DAY)]
    step, _ = decide(a_lead(), sent)
    assert step.item.id == "ml-lieferantenbewertung"
    assert step.reason == "No response to 'Titel ml-ausschreibung' within 7 days."


def test_a_response_makes_the_next_step_due_once_the_gap_has_passed():
    sent = [a_sent_step("ml-ausschreibung", 3 * DAY, answered_at=NOW - DAY)]
    step, _ = decide(a_lead(), sent)
    assert step.item.id == "ml-lieferantenbewertung"
    assert step.reason == "The lead responded to 'Titel ml-ausschreibung'."


def test_min_gap_holds_the_next_step_and_names_when_it_is_allowed():
    sent = [a_sent_step("ml-ausschreibung", 20 * HOUR, answered_at=NOW - HOUR)]
    step, nothing = decide(a_lead(), sent)
    assert step is None
    assert nothing.blocker == Blocker.FREQUENCY_LIMIT
    assert nothing.until == NOW + 28 * HOUR
    assert "2026-11-24 13:00 UTC" in nothing.text


def test_step_is_due_exactly_when_the_gap_has_passed():
    sent = [a_sent_step("ml-ausschreibung", 20 * HOUR, answered_at=NOW - HOUR)]
    step, nothing = decide(a_lead(), sent, now=NOW + 28 * HOUR)
    assert step.item.id == "ml-lieferantenbewertung"
    assert nothing is None


def test_weekly_limit_counts_steps_of_every_track():
    catalogue = a_catalogue(gap_hours=0)
    sent = [
        a_sent_step("p-einkauf", 5 * DAY, track="prospect.purchasing"),
        a_sent_step("ml-ausschreibung", 2 * DAY, answered_at=NOW - DAY),
    ]
    step, nothing = decide(a_lead(), sent, catalogue=catalogue)
    assert step is None
    assert nothing.blocker == Blocker.FREQUENCY_LIMIT
    assert nothing.until == NOW + 2 * DAY  # when the older of the two leaves the week


def test_steps_older_than_a_week_do_not_count_against_the_limit():
    catalogue = a_catalogue(gap_hours=0)
    sent = [
        a_sent_step("p-einkauf", 8 * DAY, track="prospect.purchasing"),
        a_sent_step("ml-ausschreibung", 2 * DAY, answered_at=NOW - DAY),
    ]
    step, _ = decide(a_lead(), sent, catalogue=catalogue)
    assert step.item.id == "ml-lieferantenbewertung"


def test_a_new_stage_does_not_wait_for_a_response_to_the_old_track():
    sent = [a_sent_step("p-einkauf", 3 * DAY, track="prospect.purchasing")]
    step, _ = decide(a_lead(), sent)
    assert step.item.id == "ml-ausschreibung"
    assert step.reason == "First step of track marketing_lead.purchasing."


def test_the_later_of_response_window_and_contact_limit_binds():
    catalogue = a_catalogue(max_per_week=1, gap_hours=0, follow_up_days=2)
    sent = [a_sent_step("ml-ausschreibung", DAY)]
    plan = plan_next(a_lead(), sent, set(), catalogue, NOW)
    assert plan.nothing_due.blocker == Blocker.FREQUENCY_LIMIT
    assert plan.nothing_due.until == NOW + 6 * DAY


def test_plan_names_the_next_content_and_when_it_is_due():
    sent = [a_sent_step("ml-ausschreibung", 3 * DAY)]
    plan = plan_next(a_lead(), sent, set(), a_catalogue(), NOW)
    assert plan.step.item.id == "ml-lieferantenbewertung"
    assert plan.step.due_at == NOW + 4 * DAY


def test_blocked_lead_has_no_planned_step():
    plan = plan_next(a_lead(consent=None, consent_at=None), [], set(), a_catalogue(), NOW)
    assert plan.step is None
