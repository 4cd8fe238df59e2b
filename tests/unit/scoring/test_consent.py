"""Scoring's consent record follows event time: the same statements in any order, the same record."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.domain.consent import consent_after

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _fold(statements, record=None):
    for unsubscribed, marketing, doi, at, source in statements:
        record = consent_after(record, unsubscribed=unsubscribed, email_marketing=marketing, double_opt_in_at=doi,
                               occurred_at=at, recorded_at=T0 + timedelta(days=30), source=source)
    return record


def _opt_in(at, doi=None, source="website-form"):
    return (False, True, doi, at, source)


def _unsubscribe(at, source="email-events"):
    return (True, None, None, at, source)


def test_an_unsubscribe_withdraws_marketing_email_and_its_confirmation():
    record = _fold([_opt_in(T0, doi=T0 + timedelta(minutes=5)), _unsubscribe(T0 + timedelta(days=1))])
    assert record["email_marketing"] is False and record["double_opt_in_at"] is None
    assert record["source"] == "email-events"


def test_a_late_older_opt_in_does_not_beat_a_newer_withdrawal():
    record = _fold([_unsubscribe(T0 + timedelta(days=2)), _opt_in(T0)])
    assert record["email_marketing"] is False


def test_a_new_opt_in_after_an_unsubscribe_needs_a_new_confirmation():
    record = _fold([_opt_in(T0, doi=T0), _unsubscribe(T0 + timedelta(days=1)), _opt_in(T0 + timedelta(days=2))])
    assert record["email_marketing"] is True and record["double_opt_in_at"] is None
    confirmed = _fold([(False, None, T0 + timedelta(days=3), T0 + timedelta(days=3), "doi")], record)
    assert confirmed["double_opt_in_at"] == (T0 + timedelta(days=3)).isoformat()


def test_a_withdrawal_wins_a_tie():
    assert _fold([_opt_in(T0), _unsubscribe(T0)])["email_marketing"] is False
    assert _fold([_unsubscribe(T0), _opt_in(T0)])["email_marketing"] is False


def test_a_touchpoint_that_states_nothing_leaves_the_record():
    record = _fold([_opt_in(T0)])
    assert _fold([(False, None, None, T0 + timedelta(days=9), "web")], record) == record


_statement = st.tuples(
    st.booleans(), st.sampled_from([True, False, None]),
    st.none() | st.integers(0, 10).map(lambda d: T0 + timedelta(days=d)),
    st.integers(0, 10).map(lambda d: T0 + timedelta(days=d)), st.sampled_from(["a", "b"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_statement, max_size=8), st.randoms())
def test_any_order_with_duplicates_gives_the_same_consent(statements, rnd):
    shuffled = statements + statements[: len(statements) // 2]
    rnd.shuffle(shuffled)
    ours, theirs = _fold(statements), _fold(shuffled)
    keys = ("email_marketing", "double_opt_in_at", "stated_at", "withdrawn_at", "confirmed_at")
    assert {k: (ours or {}).get(k) for k in keys} == {k: (theirs or {}).get(k) for k in keys}


def test_a_hard_bounce_withdraws_what_sales_are_told_and_the_record_names_the_email_system():
    from scoring.handlers import consent_record

    from tests.builders import a_contact, a_recorded

    contact = a_contact()
    opted_in = a_recorded("whitepaper_downloaded", contact)
    bounced = a_recorded("email_bounced", {"email": contact["email"]})
    bounced = bounced.model_copy(update={"occurred_at": opted_in.occurred_at + timedelta(hours=1), "data": bounced.data.model_copy(
        update={"consent": None, "source": "email-events"})})
    record = consent_record(consent_record(None, opted_in), bounced)
    assert record["email_marketing"] is False and record["source"] == "email-events"
