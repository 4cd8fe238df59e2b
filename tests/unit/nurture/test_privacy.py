from lead_events import Stage
from nurture.domain import apply_stage_change, apply_touchpoint, erased, plan_next
from nurture.domain.model import Blocker

from .builders import NOW, a_catalogue, a_lead


def test_consent_is_recorded_with_its_source_and_time():
    lead = apply_touchpoint(None, "l-1", type="form_submitted", email="anna@x.de", consent=True, occurred_at=NOW,
                            now=NOW, source="website-form")
    assert (lead.consent, lead.consent_at, lead.consent_source) == (True, NOW, "website-form")


def test_an_unsubscribe_names_its_source_too():
    lead = apply_touchpoint(a_lead(), "l-1", type="unsubscribed", email=None, consent=None, occurred_at=NOW,
                            now=NOW, source="sendgrid")
    assert (lead.consent, lead.consent_source) == (False, "sendgrid")


def test_snapshot_consent_fills_a_gap_with_its_source():
    lead = apply_stage_change(None, "l-1", to_stage=Stage.MARKETING_LEAD, persona=None, email="anna@x.de",
                              consent=True, now=NOW, consent_source="webinar-platform")
    assert lead.consent_source == "webinar-platform"


def test_an_erased_lead_has_no_address_and_gets_nothing():
    lead = a_lead(email="anna@example-industrie.de")
    assert plan_next(lead, [], {}, a_catalogue(), NOW).nothing_due is None  # before: a step is due
    plan = plan_next(erased(lead), [], {}, a_catalogue(), NOW)
    assert erased(lead).email is None
    assert plan.nothing_due.blocker == Blocker.NO_EMAIL
