"""Which late events an erasure shuts out: those that happened before the request, except the request."""

from datetime import UTC, datetime, timedelta

from lead_runtime.erasures import predates_erasure

ERASED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_nothing_is_shut_out_for_a_person_never_erased():
    assert not predates_erasure("touchpoint.recorded", ERASED - timedelta(days=3), None)


def test_what_happened_before_the_request_does_not_bring_the_person_back():
    assert predates_erasure("touchpoint.recorded", ERASED - timedelta(seconds=1), ERASED)
    assert predates_erasure("lead.stage_changed", ERASED - timedelta(days=400), ERASED)


def test_what_happens_after_the_request_is_new_and_applies():
    assert not predates_erasure("touchpoint.recorded", ERASED + timedelta(seconds=1), ERASED)
    assert not predates_erasure("crm.feedback_received", ERASED + timedelta(hours=2), ERASED)


def test_the_request_itself_and_a_second_request_still_apply():
    assert not predates_erasure("privacy.erasure_requested", ERASED, ERASED)
    assert not predates_erasure("privacy.erasure_requested", ERASED - timedelta(minutes=5), ERASED)
