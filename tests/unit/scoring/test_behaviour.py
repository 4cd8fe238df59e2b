from datetime import UTC, datetime, timedelta

from scoring.domain.rules import behaviour_lines, wants_sales_contact

from .helpers import NOW, an_activity, sample_policy


def test_webinar_attendance_with_two_questions_earns_base_plus_depth():
    lines = behaviour_lines(an_activity("webinar_attended", questions_asked=2), [], sample_policy())
    assert [(l.rule, l.points) for l in lines] == [
        ("behaviour.webinar_attended", 20),
        ("behaviour.depth.questions_asked", 10),
    ]
    assert all(l.touchpoint_id == "tp-1" for l in lines)


def test_depth_points_are_capped():
    lines = behaviour_lines(an_activity("webinar_attended", questions_asked=50), [], sample_policy())
    assert lines[1].points == 15


def test_page_views_stop_counting_at_the_cap():
    policy = sample_policy()
    ledger = []
    for i in range(30):
        ledger += behaviour_lines(an_activity("page_visited", NOW + timedelta(minutes=i), f"p{i}"), ledger, policy)
    assert sum(l.points for l in ledger) == 10


def test_page_view_cap_frees_up_after_the_period():
    policy = sample_policy()
    ledger = []
    for i in range(12):
        ledger += behaviour_lines(an_activity("page_visited", NOW, f"a{i}"), ledger, policy)
    later = behaviour_lines(an_activity("page_visited", NOW + timedelta(days=31), "late"), ledger, policy)
    assert later[0].points == 1


def test_unknown_touchpoint_type_earns_nothing():
    assert behaviour_lines(an_activity("something_new"), [], sample_policy()) == []


def test_unsubscribe_is_negative():
    assert behaviour_lines(an_activity("unsubscribed"), [], sample_policy())[0].points == -10


def test_boolean_depth_values_are_ignored():
    assert len(behaviour_lines(an_activity("webinar_attended", questions_asked=True), [], sample_policy())) == 1


def test_contact_request_and_form_answer_are_wishes_to_talk_to_sales():
    policy = sample_policy()
    assert wants_sales_contact(an_activity("contact_requested"), policy)
    assert wants_sales_contact(an_activity("form_submitted", may_contact_sales="ja"), policy)
    assert wants_sales_contact(an_activity("form_submitted", may_contact_sales=True), policy)
    assert not wants_sales_contact(an_activity("form_submitted", may_contact_sales="nein"), policy)
    assert not wants_sales_contact(an_activity("whitepaper_downloaded"), policy)


def test_a_contact_request_answered_dont_call_me_is_no_wish_to_talk_to_sales():
    policy = sample_policy()
    assert not wants_sales_contact(an_activity("contact_requested", may_contact_sales=False), policy)
    assert not wants_sales_contact(an_activity("contact_requested", may_contact_sales="Nein"), policy)
    assert wants_sales_contact(an_activity("contact_requested", may_contact_sales=True), policy)


def test_late_stage_buying_signals_are_marked():
    policy = sample_policy()
    tender = behaviour_lines(an_activity("tender_document_downloaded"), [], policy)[0]
    visit = behaviour_lines(an_activity("page_visited"), [], policy)[0]
    assert tender.strong and "strong buying signal" in tender.detail
    assert not visit.strong


def test_a_touchpoint_dated_in_the_year_1_is_capped_without_overflowing():
    first = datetime(1, 1, 1, 0, 0, 5, tzinfo=UTC)
    ledger = behaviour_lines(an_activity("page_visited", first, "old"), [], sample_policy())
    assert ledger[0].points == 1
    assert behaviour_lines(an_activity("page_visited", first, "again"), ledger, sample_policy())[0].points == 1
