from datetime import UTC, datetime, timedelta

from handoff.domain.policy import HandoffPolicy
from handoff.domain.sla import SlaDeadlines, SlaState, sla_deadlines, sla_status

HANDED = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
DEADLINES = sla_deadlines(HANDED, HandoffPolicy())
T0 = HANDED


def at(minutes: float) -> datetime:
    return HANDED + timedelta(minutes=minutes)


def test_deadlines_are_30_minutes_and_24_hours_after_handoff():
    assert DEADLINES.first_contact_due == at(30)
    assert DEADLINES.hard_limit == at(24 * 60)


def test_deadlines_follow_the_policy():
    policy = HandoffPolicy(first_contact_within=timedelta(minutes=5), hard_limit=timedelta(hours=2))
    deadlines = sla_deadlines(HANDED, policy)
    assert (deadlines.first_contact_due, deadlines.hard_limit) == (at(5), at(120))


def test_no_response_yet_within_30_minutes_is_due():
    status = sla_status(DEADLINES, None, now=at(10))
    assert (status.status, status.first_contact, status.hard_limit) == (SlaState.DUE,) * 3


def test_exactly_at_the_deadline_is_still_due():
    assert sla_status(DEADLINES, None, now=at(30)).status == SlaState.DUE


def test_no_response_after_30_minutes_breaches_first_contact_but_not_the_hard_limit():
    status = sla_status(DEADLINES, None, now=at(31))
    assert status.status == SlaState.BREACHED
    assert status.first_contact == SlaState.BREACHED
    assert status.hard_limit == SlaState.DUE


def test_no_response_after_24_hours_breaches_both():
    status = sla_status(DEADLINES, None, now=at(24 * 60 + 1))
    assert (status.first_contact, status.hard_limit) == (SlaState.BREACHED, SlaState.BREACHED)


def test_response_in_time_is_met_whatever_now_is():
    status = sla_status(DEADLINES, responded_at=at(12), now=at(3 * 24 * 60))
    assert (status.status, status.first_contact, status.hard_limit) == (SlaState.MET,) * 3


def test_late_response_within_the_hard_limit_breaches_first_contact_only():
    status = sla_status(DEADLINES, responded_at=at(45), now=at(50))
    assert status.status == SlaState.BREACHED
    assert status.first_contact == SlaState.BREACHED
    assert status.hard_limit == SlaState.MET


def test_response_after_the_hard_limit_breaches_both():
    status = sla_status(DEADLINES, responded_at=at(25 * 60), now=at(26 * 60))
    assert (status.first_contact, status.hard_limit) == (SlaState.BREACHED, SlaState.BREACHED)


def test_missed_deadlines_lists_passed_deadlines_without_an_answer_earliest_first():
    from handoff.domain.sla import Deadline, missed_deadlines

    d = SlaDeadlines(T0 + timedelta(minutes=30), T0 + timedelta(hours=24))
    assert missed_deadlines(d, None, T0 + timedelta(minutes=30)) == []
    assert missed_deadlines(d, None, T0 + timedelta(minutes=31)) == [(Deadline.FIRST_CONTACT, d.first_contact_due)]
    assert [k for k, _ in missed_deadlines(d, None, T0 + timedelta(days=2))] == ["first_contact", "hard_limit"]
    assert missed_deadlines(d, T0 + timedelta(hours=1), T0 + timedelta(days=2)) == []


def test_the_watcher_looks_again_at_the_next_deadline_ahead_and_never_after_an_answer():
    from handoff.domain.sla import next_check

    d = SlaDeadlines(T0 + timedelta(minutes=30), T0 + timedelta(hours=24))
    assert next_check(d, None, T0) == d.first_contact_due
    assert next_check(d, None, T0 + timedelta(minutes=31)) == d.hard_limit
    assert next_check(d, None, T0 + timedelta(days=2)) is None
    assert next_check(d, T0 + timedelta(minutes=5), T0) is None


def test_a_reassigned_lead_gets_a_fresh_first_contact_window_within_the_hard_limit():
    from handoff.domain.sla import Deadline, reassigned_deadlines, should_reassign

    policy = HandoffPolicy(reassign_on=frozenset({"first_contact"}))
    d = SlaDeadlines(T0 + timedelta(minutes=30), T0 + timedelta(hours=24))
    at = T0 + timedelta(minutes=31)
    assert should_reassign(Deadline.FIRST_CONTACT, d, at, policy)
    assert not should_reassign(Deadline.HARD_LIMIT, d, at, policy)
    assert not should_reassign(Deadline.FIRST_CONTACT, d, T0 + timedelta(days=2), policy)
    assert reassigned_deadlines(d, at, policy) == SlaDeadlines(at + timedelta(minutes=30), d.hard_limit)
    late = T0 + timedelta(hours=23, minutes=50)
    assert reassigned_deadlines(d, late, policy).first_contact_due == d.hard_limit
