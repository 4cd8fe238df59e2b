"""Consent as the agreement demands it: double opt-in where required, and an unsubscribe that
voids every confirmation given before it."""

from datetime import timedelta

from nurture.domain import (
    Blocker, ConsentPolicy, apply_stage_change, apply_touchpoint, has_double_opt_in, plan_next,
)

from .builders import ML, NOW, a_catalogue, a_lead

DAY = timedelta(days=1)
REQUIRED = a_catalogue(consent=ConsentPolicy(double_opt_in_required=True))
NOT_REQUIRED = a_catalogue(consent=ConsentPolicy(double_opt_in_required=False))


def plan(lead, catalogue=REQUIRED):
    return plan_next(lead, [], set(), catalogue, NOW)


def touchpoint(lead, type="form_submitted", consent=None, at=NOW, confirmed=None):
    return apply_touchpoint(lead, "lead-1", type=type, email=None, consent=consent, occurred_at=at, now=NOW,
                            double_opt_in_at=confirmed)


def snapshot(lead, confirmed):
    return apply_stage_change(lead, "lead-1", to_stage=ML, persona="purchasing", email=None, consent=True,
                              now=NOW, double_opt_in_at=confirmed)


def test_unconfirmed_opt_in_gets_nothing_where_double_opt_in_is_required():
    result = plan(a_lead())
    assert result.step is None
    assert result.nothing_due.blocker == Blocker.NO_DOUBLE_OPT_IN
    assert "double opt-in" in result.nothing_due.text


def test_confirmed_opt_in_gets_its_step_where_double_opt_in_is_required():
    result = plan(a_lead(double_opt_in_at=NOW - 20 * DAY))
    assert result.nothing_due is None
    assert result.step.item.id == "ml-ausschreibung"


def test_unconfirmed_opt_in_is_enough_where_the_agreement_does_not_require_confirmation():
    assert plan(a_lead(), NOT_REQUIRED).nothing_due is None


def test_a_confirmation_arriving_with_a_touchpoint_is_kept():
    lead = touchpoint(a_lead(), consent=True, confirmed=NOW - DAY)
    assert lead.double_opt_in_at == NOW - DAY
    assert has_double_opt_in(lead)


def test_unsubscribe_voids_the_confirmation():
    lead = touchpoint(a_lead(double_opt_in_at=NOW - 20 * DAY), type="unsubscribed", at=NOW - 2 * DAY)
    assert lead.double_opt_in_at is None
    assert plan(lead).nothing_due.blocker == Blocker.UNSUBSCRIBED


def test_a_new_opt_in_after_an_unsubscribe_needs_a_new_confirmation():
    unsubscribed = touchpoint(a_lead(double_opt_in_at=NOW - 20 * DAY), type="unsubscribed", at=NOW - 2 * DAY)
    opted_in = touchpoint(unsubscribed, consent=True, at=NOW - DAY)
    assert plan(opted_in).nothing_due.blocker == Blocker.NO_DOUBLE_OPT_IN
    confirmed = touchpoint(opted_in, confirmed=NOW - DAY + timedelta(minutes=5))
    assert plan(confirmed).nothing_due is None


def test_a_stale_snapshot_confirmation_does_not_undo_the_unsubscribe():
    unsubscribed = touchpoint(a_lead(double_opt_in_at=NOW - 20 * DAY), type="unsubscribed", at=NOW - 2 * DAY)
    lead = snapshot(unsubscribed, confirmed=NOW - 20 * DAY)
    assert lead.double_opt_in_at is None
    assert plan(lead).nothing_due.blocker == Blocker.UNSUBSCRIBED


def test_a_confirmation_from_before_the_unsubscribe_does_not_confirm_a_later_opt_in():
    # The bug this guards against: the new opt-in used to forget the unsubscribe, so an old
    # confirmation on a late snapshot counted as confirming it.
    unsubscribed = touchpoint(a_lead(double_opt_in_at=NOW - 20 * DAY), type="unsubscribed", at=NOW - 2 * DAY)
    opted_in = touchpoint(unsubscribed, consent=True, at=NOW - DAY)
    lead = snapshot(opted_in, confirmed=NOW - 20 * DAY)
    assert not has_double_opt_in(lead)
    assert plan(lead).nothing_due.blocker == Blocker.NO_DOUBLE_OPT_IN


def test_a_plain_decline_after_a_new_opt_in_is_not_reported_as_the_old_unsubscribe():
    unsubscribed = touchpoint(a_lead(), type="unsubscribed", at=NOW - 3 * DAY)
    declined = touchpoint(touchpoint(unsubscribed, consent=True, at=NOW - 2 * DAY), consent=False, at=NOW - DAY)
    assert plan(declined, NOT_REQUIRED).nothing_due.blocker == Blocker.NO_CONSENT
