from datetime import UTC, datetime, timedelta

from handoff.domain.policy import HandoffPolicy
from handoff.domain.sla import SlaState, sla_deadlines, sla_status

HANDED = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
DEADLINES = sla_deadlines(HANDED, HandoffPolicy())


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
