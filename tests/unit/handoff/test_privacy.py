from handoff.domain.privacy import erased_payload

from tests.builders import a_contact


def test_erased_payload_keeps_company_and_reasons_without_the_person():
    lead = {**a_contact("anna@example-industrie.de"), "persona": "purchasing", "total_score": 80}
    payload = {"handoff_id": "h-1", "lead": lead, "reason": "Sales-ready: anna@example-industrie.de asked for contact"}
    out, secrets = erased_payload(payload)
    assert "anna@example-industrie.de" in secrets
    assert out["lead"]["email"] is None and out["lead"]["phone"] is None and out["lead"]["last_name"] is None
    assert out["lead"]["company"]["name"] == "Example Industrie GmbH" and out["lead"]["total_score"] == 80
    assert out["reason"] == "Sales-ready: [erased] asked for contact"
    assert payload["lead"]["email"] == "anna@example-industrie.de"  # pure: the input is untouched
