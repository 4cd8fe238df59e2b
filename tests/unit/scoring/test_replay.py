from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from scoring.domain.replay import Recorded, classify_change, replay, stage_under

from .helpers import NOW, a_lead, an_activity, sample_policy


def _journey(*types, lead=None, start=NOW):
    lead = lead or a_lead()
    return [Recorded(an_activity(t, start + timedelta(minutes=i), f"tp{i}"), lead) for i, t in enumerate(types)]


def test_replay_of_webinar_and_tender_is_sales_ready():
    result = replay(_journey("webinar_attended", "tender_document_downloaded"), sample_policy(), NOW + timedelta(hours=1))
    assert result.stage == "sales_ready"
    assert {l.touchpoint_id for l in result.ledger} == {"tp0", "tp1"}


def test_replay_applies_decay_up_to_now():
    quiet = _journey("webinar_attended", lead=a_lead(job_title="Sachbearbeiter", industry="retail"))
    assert replay(quiet, sample_policy(), NOW).stage == "marketing_lead"
    assert replay(quiet, sample_policy(), NOW + timedelta(days=200)).stage == "prospect"


def test_replay_decides_the_fast_lane_per_touchpoint():
    assert replay(_journey("contact_requested"), sample_policy(), NOW).stage == "sales_ready"


@given(st.lists(st.sampled_from(["page_visited", "webinar_attended", "whitepaper_downloaded", "pricing_viewed"]), max_size=12))
def test_replay_is_deterministic(types):
    journey = _journey(*types)
    assert replay(journey, sample_policy(), NOW + timedelta(days=1)) == replay(journey, sample_policy(), NOW + timedelta(days=1))


def test_sales_decisions_stand_under_a_new_agreement():
    result = replay(_journey("page_visited"), sample_policy(), NOW)
    assert stage_under("sales_accepted", result, sample_policy())[0] == "sales_accepted"
    assert stage_under("disqualified", result, sample_policy())[0] == "disqualified"


def test_an_exclusion_disqualifies_even_a_lead_with_sales():
    competitor = replace(a_lead(), email="x@competitor.example")
    result = replay(_journey("page_visited", lead=competitor), sample_policy(), NOW)
    assert stage_under("sales_accepted", result, sample_policy())[0] == "disqualified"


def test_change_words_for_the_shadow_report():
    assert classify_change("marketing_lead", "marketing_lead") is None
    assert classify_change("marketing_lead", "sales_ready") == "would become sales-ready"
    assert classify_change("prospect", "marketing_lead") == "would become marketing lead"
    assert classify_change("marketing_lead", "prospect") == "would drop out"
    assert classify_change("prospect", "disqualified") == "would be disqualified"


@given(st.lists(st.sampled_from(["webinar_attended", "pricing_viewed", "whitepaper_downloaded"]), min_size=1, max_size=8),
       st.lists(st.integers(0, 7), max_size=8))
def test_a_replayed_touchpoint_is_a_no_op(types, repeats):
    journey = _journey(*types)
    replayed = journey + [journey[i % len(journey)] for i in repeats]
    later = NOW + timedelta(days=1)
    assert replay(replayed, sample_policy(), later) == replay(journey, sample_policy(), later)


@given(st.integers(0, 400))
def test_page_views_alone_never_make_a_lead_sales_ready(visits):
    journey = [Recorded(an_activity("page_visited", NOW + timedelta(hours=6 * i), f"v{i}"), a_lead()) for i in range(visits)]
    assert replay(journey, sample_policy(), NOW + timedelta(hours=6 * visits)).stage != "sales_ready"
