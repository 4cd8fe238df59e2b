from datetime import timedelta

from lead_events import Stage
from nurture.domain import answers_step, apply_stage_change, apply_touchpoint, content_taken_up

from .builders import ML, NOW, a_lead, a_sent_step

DAY = timedelta(days=1)


def stage_change(state, to_stage=ML, persona="purchasing", email="anna@example-industrie.de", consent=True):
    return apply_stage_change(state, "lead-1", to_stage=to_stage, persona=persona, email=email, consent=consent, now=NOW)


def touchpoint(state, type="page_visited", email=None, consent=None, at=NOW):
    return apply_touchpoint(state, "lead-1", type=type, email=email, consent=consent, occurred_at=at, now=NOW)


def test_stage_change_for_a_new_lead_takes_the_snapshot():
    lead = stage_change(None)
    assert (lead.stage, lead.persona, lead.email, lead.consent) == (ML, "purchasing", "anna@example-industrie.de", True)
    assert lead.handed_off is False


def test_touchpoint_before_any_lifecycle_event_creates_the_lead_without_stage():
    lead = touchpoint(None, email="anna@example-industrie.de", consent=True)
    assert lead.stage is None
    assert lead.email == "anna@example-industrie.de"
    assert lead.consent is True
    assert lead.consent_at == NOW


def test_lifecycle_after_touchpoint_keeps_what_the_touchpoint_said():
    lead = stage_change(touchpoint(None, email="anna@example-industrie.de", consent=True), email=None, consent=None)
    assert lead.email == "anna@example-industrie.de"
    assert lead.consent is True
    assert lead.stage == ML


def test_snapshot_consent_never_overrides_an_unsubscribe():
    unsubscribed = touchpoint(a_lead(), type="unsubscribed", at=NOW - DAY)
    lead = stage_change(unsubscribed, consent=True)
    assert lead.consent is False
    assert lead.unsubscribed_at == NOW - DAY


def test_unsubscribe_sets_consent_false_from_that_moment():
    lead = touchpoint(a_lead(), type="unsubscribed", at=NOW - DAY)
    assert lead.consent is False
    assert lead.consent_at == NOW - DAY
    assert lead.unsubscribed_at == NOW - DAY


def test_an_older_consent_arriving_late_does_not_undo_an_unsubscribe():
    unsubscribed = touchpoint(a_lead(), type="unsubscribed", at=NOW - DAY)
    lead = touchpoint(unsubscribed, consent=True, at=NOW - 2 * DAY)
    assert lead.consent is False


def test_a_new_opt_in_after_an_unsubscribe_counts():
    unsubscribed = touchpoint(a_lead(), type="unsubscribed", at=NOW - 2 * DAY)
    lead = touchpoint(unsubscribed, consent=True, at=NOW - DAY)
    assert lead.consent is True
    assert lead.unsubscribed_at == NOW - 2 * DAY  # kept: older confirmations stay void


def test_touchpoint_without_consent_statement_leaves_consent_alone():
    lead = touchpoint(a_lead(consent=True), consent=None)
    assert lead.consent is True


def test_reaching_sales_marks_the_lead_handed_off_for_good():
    with_sales = stage_change(a_lead(), to_stage=Stage.SALES_READY)
    recycled = stage_change(with_sales, to_stage=Stage.RECYCLED)
    assert with_sales.handed_off is True
    assert recycled.handed_off is True
    assert recycled.stage == Stage.RECYCLED


def test_snapshot_without_persona_keeps_the_known_persona():
    assert stage_change(a_lead(persona="production"), persona=None).persona == "production"


def test_whitepaper_download_names_its_content():
    assert content_taken_up("whitepaper_downloaded", {"content_id": "wp-oee-steigerung"}) == "wp-oee-steigerung"


def test_webinar_attendance_may_name_the_webinar_by_its_own_id():
    assert content_taken_up("webinar_attended", {"webinar_id": "wb-oee-messen"}) == "wb-oee-messen"


def test_page_visit_takes_up_no_content():
    assert content_taken_up("page_visited", {"content_id": "wp-oee-steigerung"}) is None


def test_download_of_the_offered_content_answers_the_step():
    step = a_sent_step("wp-oee", DAY)
    assert answers_step(step, "whitepaper_downloaded", {"content_id": "wp-oee"})


def test_click_on_the_steps_link_answers_the_step():
    step = a_sent_step("wp-oee", DAY)
    assert answers_step(step, "email_clicked", {"step_id": step.step_id})


def test_email_open_does_not_answer_the_step():
    step = a_sent_step("wp-oee", DAY)
    assert not answers_step(step, "email_opened", {"step_id": step.step_id})


def test_download_of_other_content_does_not_answer_the_step():
    assert not answers_step(a_sent_step("wp-oee", DAY), "whitepaper_downloaded", {"content_id": "other"})


def test_an_answered_step_is_not_answered_again():
    step = a_sent_step("wp-oee", DAY, answered_at=NOW)
    assert not answers_step(step, "whitepaper_downloaded", {"content_id": "wp-oee"})


def test_an_unsubscribe_arriving_after_a_newer_opt_in_still_voids_the_confirmation_before_it():
    """Confirmed, unsubscribed, then a form's box ticked without a new confirmation: the person has
    not confirmed the new opt-in, whichever of the three arrives last."""
    from nurture.domain import apply_touchpoint, has_double_opt_in

    def statement(state, at, type="form_submitted", consent=None, confirmed=None):
        return apply_touchpoint(state, "lead-1", type=type, email=None, consent=consent, occurred_at=at, now=NOW,
                                double_opt_in_at=confirmed)

    confirmed = statement(a_lead(), NOW - 3 * DAY, consent=True, confirmed=NOW - 3 * DAY)
    opted_in_again = statement(confirmed, NOW - DAY, consent=True)
    lead = statement(opted_in_again, NOW - 2 * DAY, type="unsubscribed")  # arrives last
    assert lead.consent is True and lead.unsubscribed_at == NOW - 2 * DAY
    assert lead.double_opt_in_at is None and not has_double_opt_in(lead)


def test_a_form_answered_no_voids_the_confirmations_before_it_whatever_the_order_as_scoring_does():
    from nurture.domain import apply_touchpoint, has_double_opt_in

    def statement(state, at, consent, confirmed=None):
        return apply_touchpoint(state, "lead-1", type="form_submitted", email=None, consent=consent, occurred_at=at,
                                now=NOW, double_opt_in_at=confirmed)

    confirmed = (NOW - 3 * DAY, True, NOW - 3 * DAY)
    declined = (NOW - 2 * DAY, False)
    ticked_again = (NOW - DAY, True)
    in_order = statement(statement(statement(a_lead(), *confirmed), *declined), *ticked_again)
    late_decline = statement(statement(statement(a_lead(), *confirmed), *ticked_again), *declined)
    for lead in (in_order, late_decline):
        assert lead.consent is True and not has_double_opt_in(lead) and lead.withdrawn_at == NOW - 2 * DAY
        assert lead.unsubscribed_at is None  # a decline is no unsubscribe: nothing_due says "declined"


def test_a_hard_bounce_stops_email_like_a_withdrawal_but_is_no_unsubscribe():
    from nurture.domain import apply_touchpoint, has_double_opt_in

    confirmed = apply_touchpoint(a_lead(), "lead-1", type="form_submitted", email=None, consent=True,
                                 occurred_at=NOW - 2 * DAY, now=NOW, double_opt_in_at=NOW - 2 * DAY)
    bounced = apply_touchpoint(confirmed, "lead-1", type="email_bounced", email=None, consent=None,
                               occurred_at=NOW - DAY, now=NOW)
    assert bounced.consent is False and bounced.unsubscribed_at is None and not has_double_opt_in(bounced)
