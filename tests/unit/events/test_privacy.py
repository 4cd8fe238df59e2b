"""The erasure event and the pure scrubbing helpers every service uses."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lead_events import (
    PrivacyErasureRequested, ErasureData, anonymise_contact, anonymise_touchpoint, decode, encode, lead_id_for, redact,
)

from lead_events.privacy import ERASED
from tests.builders import a_contact, a_recorded


def test_erasure_event_carries_the_lead_id_and_no_email():
    email = "anna.schmidt@example-industrie.de"
    event = PrivacyErasureRequested.new(lead_id=lead_id_for(email), data=ErasureData(erasure_id="e-1"))
    raw = encode(event)
    assert email.encode() not in raw
    assert decode(raw) == event


def test_anonymised_contact_keeps_the_company_only():
    contact = a_contact("anna@example-industrie.de", anonymous_id="v-1")
    out = anonymise_contact(contact)
    assert {k for k, v in out.items() if v is not None} == {"company"}
    assert out["company"] == contact["company"]
    assert anonymise_contact(None) is None


def test_redact_replaces_every_occurrence_in_nested_values_whatever_the_case():
    doc = {"a": "Mail ANNA@x.de or anna@x.de", "b": ["anna@x.de", 3], "c": None}
    assert redact(doc, ["anna@x.de"]) == {"a": "Mail [erased] or [erased]", "b": ["[erased]", 3], "c": None}


def test_redact_ignores_empty_and_tiny_secrets():
    assert redact("a b", [None, "", "a"]) == "a b"


def test_anonymised_touchpoint_loses_the_person_also_where_the_sender_repeated_it():
    contact = a_contact("anna@example-industrie.de")
    event = a_recorded("form_submitted", contact, message="Call Anna Schmidt at +49 30 1234567, anna@example-industrie.de")
    out = anonymise_touchpoint(event.data.model_dump(mode="json"))
    assert out["contact"]["email"] is None and out["contact"]["first_name"] is None
    assert "anna@example-industrie.de" not in str(out) and "1234567" not in str(out)
    assert out["contact"]["company"]["name"] == "Example Industrie GmbH"
    assert out["type"] == "form_submitted"


def test_redact_terminates_for_a_secret_inside_the_marker():
    # "Rase" is part of "[erased]": replacing must never search its own output again.
    assert redact("Frau Rase, rase@x.de", ["Rase", "rase@x.de"]) == "Frau [erased], [erased]"
    assert redact("eras ERAS", ["eras"]) == "[erased] [erased]"
    assert redact("[erased]", ["[erased]"]) == "[erased]"


def test_redact_scrubs_dict_keys_too():
    assert redact({"anna@x.de": "yes"}, ["anna@x.de"]) == {"[erased]": "yes"}


_TEXT = st.text(alphabet="abcdeRrASsEe[]@.-_ äöüß019", max_size=60)
_SECRET = st.one_of(st.sampled_from(["[erased]", "erased", "Rase", "Eras", "ras", "d]", "[er"]),
                    st.text(alphabet="abcdeRrASsEe[]@.-_ äöüß019", min_size=3, max_size=10))


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, secrets=st.lists(_SECRET, max_size=4))
def test_redact_terminates_and_no_secret_survives_outside_the_markers(text, secrets):
    out = redact(text, secrets)
    for fragment in out.split(ERASED):
        for secret in secrets:
            if len(secret) >= 3:
                assert secret.lower() not in fragment.lower()
