from scoring.domain.model import LeadProfile
from scoring.domain.privacy import anonymised, personal_values


def a_profile() -> LeadProfile:
    return LeadProfile(email="anna@example-industrie.de", first_name="Anna", last_name="Schmidt",
                       job_title="Leiterin Einkauf", phone="+49 30 1234567", company_name="Example Industrie GmbH",
                       employees=850, bant={"budget": "yes"})


def test_anonymised_profile_keeps_company_and_bant_but_not_the_person():
    out = anonymised(a_profile())
    assert (out.email, out.first_name, out.last_name, out.job_title, out.phone) == (None,) * 5
    assert (out.company_name, out.employees, out.bant) == ("Example Industrie GmbH", 850, {"budget": "yes"})


def test_personal_values_are_what_free_text_may_repeat():
    assert personal_values(a_profile()) == ["anna@example-industrie.de", "Anna Schmidt", "+49 30 1234567"]
    assert personal_values(LeadProfile()) == []
