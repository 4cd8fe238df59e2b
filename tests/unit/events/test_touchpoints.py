"""Touchpoint fields hold their limits after normalising and times stay storable and computable,
so what ingest accepts every consumer decodes and applies."""

from datetime import UTC, datetime, timedelta

import pytest
from lead_events import FeedbackData, RecordedContact, TouchpointIn, span_before
from lead_events.touchpoints import Company, Contact
from pydantic import ValidationError


@pytest.mark.parametrize("country", ["/ß", "ßa", "ŉx"])  # upper-cased: "/SS", "SSA", "ʼNX"
def test_a_country_that_upper_cases_to_more_than_two_letters_is_refused(country):
    with pytest.raises(ValidationError, match="country"):
        Company(country=country)


def test_a_domain_that_lower_cases_past_its_limit_is_refused():
    with pytest.raises(ValidationError, match="domain"):
        Company(domain="\u0130" * 200)  # "İ" lower-cases to two characters


def test_a_normalised_contact_decodes_as_the_recorded_kind():
    contact = Contact(email="Anna@Example.de", company={"country": "de", "domain": " Example-Industrie.DE "})
    recorded = RecordedContact.model_validate(contact.model_dump())
    assert (recorded.company.country, recorded.company.domain) == ("DE", "example-industrie.de")


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "0001-01-01T10:00:00+10:00", "9999-12-31T23:59:59.999999Z"])
def test_a_time_the_database_would_store_as_infinity_is_refused(at):
    with pytest.raises(ValidationError, match="infinity"):
        TouchpointIn.model_validate({"type": "page_visited", "occurred_at": at, "source": "s",
                                     "contact": {"email": "anna@example.de"}})
    with pytest.raises(ValidationError, match="infinity"):
        FeedbackData(outcome="won", at=at)
    with pytest.raises(ValidationError, match="infinity"):
        FeedbackData(outcome="won", at=at.removesuffix("Z"))  # without a zone: UTC


def test_the_first_second_of_the_year_1_is_still_a_time():
    assert FeedbackData(outcome="won", at="0001-01-01T00:00:01Z").at.year == 1


def test_a_span_before_a_time_of_the_year_1_stops_at_the_earliest_time():
    first = datetime(1, 1, 1, 0, 0, 5, tzinfo=UTC)
    assert span_before(first, timedelta(days=30)) == datetime.min.replace(tzinfo=UTC)
    assert span_before(first, timedelta(seconds=4)) == datetime(1, 1, 1, 0, 0, 1, tzinfo=UTC)
