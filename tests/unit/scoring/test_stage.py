
from hypothesis import given
from hypothesis import strategies as st
from scoring.domain.rules import assess_fit, behaviour_lines, decide_stage

from .helpers import NOW, a_lead, an_activity, sample_policy


def _decide(current, profile, engagement, wants_contact=False):
    policy = sample_policy()
    return decide_stage(current, assess_fit(profile, policy), engagement, profile, wants_contact, policy, ())


def test_good_fit_with_enough_engagement_becomes_sales_ready():
    decision = _decide("prospect", a_lead(), 60)
    assert decision.to_stage == "sales_ready"
    assert "sales-ready threshold of 100" in decision.reason


def test_good_fit_with_some_engagement_becomes_marketing_lead():
    assert _decide("prospect", a_lead(), 0).to_stage == "marketing_lead"


def test_forty_person_company_never_moves_up_however_engaged():
    assert _decide("prospect", a_lead(employees=40), 10_000) is None
    assert _decide("prospect", a_lead(employees=40), 10_000, wants_contact=True) is None


def test_competitor_is_disqualified_even_when_highly_engaged():
    decision = _decide("marketing_lead", a_lead(email="x@competitor.example"), 10_000)
    assert decision.to_stage == "disqualified"
    assert "competitor" in decision.reason


def test_disqualified_is_final_for_scoring():
    assert _decide("disqualified", a_lead(), 10_000) is None


def test_contact_request_with_acceptable_fit_is_the_fast_lane():
    decision = _decide("prospect", a_lead(), 0, wants_contact=True)
    assert decision.to_stage == "sales_ready"
    assert "fast lane" in decision.reason


def test_fast_lane_needs_acceptable_fit():
    weak = a_lead(job_title="Assistant", industry="retail", country="US", employees=120)
    assert _decide("prospect", weak, 0, wants_contact=True) is None


def test_missing_required_field_blocks_sales_ready_and_says_what_is_missing():
    decision = _decide("prospect", a_lead(last_name=None), 100)
    assert decision.to_stage == "marketing_lead"
    assert "last_name" in decision.reason


def test_marketing_lead_whose_engagement_decayed_drops_back():
    weak = a_lead(industry="retail", job_title="Assistant")  # fit 20 alone
    decision = _decide("marketing_lead", weak, 0)
    assert decision.to_stage == "prospect"
    assert decision.reason.startswith("Engagement decayed")


def test_stages_owned_by_sales_are_not_moved_by_scoring():
    for stage in ("sales_ready", "sales_accepted", "opportunity", "won", "lost"):
        assert _decide(stage, a_lead(), 10_000) is None


def test_recycled_lead_can_become_sales_ready_again():
    assert _decide("recycled", a_lead(), 60).to_stage == "sales_ready"


_types = st.sampled_from(
    [t for t, p in sample_policy().behaviour.points.items() if p > 0]
)


@given(st.lists(_types, max_size=30), _types)
def test_more_engagement_never_lowers_a_score(types, extra):
    policy = sample_policy()
    ledger = []
    for i, t in enumerate(types):
        ledger += behaviour_lines(an_activity(t, NOW, f"t{i}"), ledger, policy)
    before = sum(l.points for l in ledger)
    after = before + sum(l.points for l in behaviour_lines(an_activity(extra, NOW, "x"), ledger, policy))
    assert after >= before


def test_without_a_current_touchpoint_nobody_becomes_sales_ready_but_may_become_a_marketing_lead():
    policy = sample_policy()
    lead = a_lead()
    fit = assess_fit(lead, policy)
    decision = decide_stage("prospect", fit, 60, lead, False, policy, (), current_touchpoint=False)
    assert decision.to_stage == "marketing_lead"
    assert "next current touchpoint" in decision.reason
    assert decide_stage("marketing_lead", fit, 60, lead, False, policy, (), current_touchpoint=False) is None


def test_a_touchpoint_is_historical_when_marked_or_older_than_the_horizon_on_arrival():
    from datetime import timedelta

    from lead_events import is_historical

    from tests.builders import a_contact, a_recorded

    fresh = a_recorded("webinar_attended", a_contact())
    late = fresh.model_copy(update={"occurred_at": fresh.recorded_at - timedelta(days=91)})
    marked = fresh.model_copy(update={"data": fresh.data.model_copy(update={"historical": True})})
    horizon = sample_policy().history.horizon
    assert (is_historical(fresh, horizon), is_historical(late, horizon), is_historical(marked, horizon)) == (False, True, True)
