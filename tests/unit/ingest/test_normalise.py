from datetime import UTC, datetime

from lead_events import lead_id_for, lead_id_for_visitor

from ingest.domain.dedupe import event_id_for
from ingest.domain.normalise import lead_id_of, recorded_event

from .helpers import a_touchpoint

NOW = datetime(2026, 11, 22, 10, 16, tzinfo=UTC)


def test_email_is_trimmed_and_lower_cased_and_gives_the_lead_id():
    event = recorded_event(a_touchpoint(contact={"email": "  Anna.Schmidt@Example-Industrie.DE "}), NOW)
    assert event.data.contact.email == "anna.schmidt@example-industrie.de"
    assert event.lead_id == lead_id_for("anna.schmidt@example-industrie.de")


def test_company_domain_is_lower_cased():
    contact = {"email": "a@b.de", "company": {"domain": " Example-Industrie.DE "}}
    assert recorded_event(a_touchpoint(contact=contact), NOW).data.contact.company.domain == "example-industrie.de"


def test_a_visitor_without_email_gets_the_visitor_lead_id():
    touchpoint = a_touchpoint(contact={"anonymous_id": " v-123 "})
    assert lead_id_of(touchpoint.contact) == lead_id_for_visitor("v-123")
    assert recorded_event(touchpoint, NOW).data.contact.anonymous_id == "v-123"


def test_email_wins_over_visitor_id_when_both_are_given():
    touchpoint = a_touchpoint(contact={"email": "a@b.de", "anonymous_id": "v-123"})
    assert lead_id_of(touchpoint.contact) == lead_id_for("a@b.de")


def test_the_event_takes_occurred_at_from_the_touchpoint_in_utc_and_starts_the_chain():
    touchpoint = a_touchpoint(occurred_at="2026-11-22T11:15:00+01:00", event_id="s-1")
    event = recorded_event(touchpoint, NOW)
    assert event.occurred_at == datetime(2026, 11, 22, 10, 15, tzinfo=UTC)
    assert event.recorded_at == NOW
    assert event.event_type == "touchpoint.recorded"
    assert event.event_id == event.correlation_id == event_id_for(touchpoint)
    assert event.causation_id is None


def test_the_event_carries_type_source_properties_and_the_senders_id():
    event = recorded_event(a_touchpoint(event_id="s-1"), NOW)
    assert (event.data.type, event.data.source) == ("webinar_attended", "webinar-platform")
    assert event.data.properties == {"webinar_id": "w-2026-11", "questions_asked": 2}
    assert event.data.sender_event_id == "s-1"
