from scoring.domain.rules import assess_fit, find_persona, grade_for

from .helpers import a_lead, sample_policy


def test_head_of_purchasing_at_850_person_manufacturer_is_grade_a():
    fit = assess_fit(a_lead(), sample_policy())
    assert fit.qualifies
    assert fit.persona == "purchasing"
    assert fit.score == 20 + 15 + 5 + 20
    assert fit.grade == "A"


def test_company_under_100_employees_does_not_qualify():
    fit = assess_fit(a_lead(employees=40), sample_policy())
    assert not fit.qualifies
    assert fit.grade == "D"
    assert "under the minimum of 100" in fit.lines[0].detail


def test_unknown_company_size_scores_zero_for_size_but_may_qualify():
    fit = assess_fit(a_lead(employees=None), sample_policy())
    assert fit.qualifies
    assert fit.lines[0].points == 0


def test_competitor_domain_disqualifies_whatever_the_profile():
    fit = assess_fit(a_lead(email="spy@competitor.example", domain="competitor.example"), sample_policy())
    assert fit.exclusion and fit.exclusion.startswith("competitor")
    assert not fit.qualifies


def test_consultant_title_in_german_or_english_is_excluded():
    for title in ("Senior Berater Einkauf", "Procurement Consultant"):
        fit = assess_fit(a_lead(job_title=title), sample_policy())
        assert fit.exclusion and fit.exclusion.startswith("consultant"), title


def test_student_is_excluded():
    assert assess_fit(a_lead(job_title="Werkstudent Produktion"), sample_policy()).exclusion.startswith("student")


def test_free_mail_lowers_fit():
    business = assess_fit(a_lead(), sample_policy()).score
    free = assess_fit(a_lead(email="anna@gmx.de"), sample_policy()).score
    assert free == business - 15


def test_personas_from_german_and_english_titles():
    personas = sample_policy().fit.personas
    assert find_persona("Einkaufsleiterin", personas).name == "purchasing"
    assert find_persona("Head of Procurement", personas).name == "purchasing"
    assert find_persona("Produktionsleiter", personas).name == "production"
    assert find_persona("Geschäftsführer", personas).name == "management"
    assert find_persona("CMO", personas).name == "marketing"
    assert find_persona("Sachbearbeiter Buchhaltung", personas) is None


def test_grade_uses_the_highest_band_reached():
    grades = {"A": 55, "B": 40, "C": 20}
    assert [grade_for(s, grades) for s in (60, 55, 45, 20, 19)] == ["A", "A", "B", "C", "D"]


def test_revenue_qualifies_a_company_under_the_employee_minimum():
    fit = assess_fit(a_lead(employees=80, annual_revenue_eur=60_000_000), sample_policy())
    assert fit.qualifies
    assert fit.lines[0].points == 20  # the revenue band, larger than any employee band reached


def test_small_company_with_small_revenue_does_not_qualify():
    fit = assess_fit(a_lead(employees=None, annual_revenue_eur=3_000_000), sample_policy())
    assert not fit.qualifies
    assert "EUR 50,000,000 revenue" in fit.lines[0].detail


def test_whatever_else_the_agreement_excludes_disqualifies():
    fit = assess_fit(a_lead(job_title="Wiederverkäufer Industriebedarf"), sample_policy())
    assert fit.exclusion == "reseller: excluded by the agreement"
    assert assess_fit(a_lead(industry="public_administration"), sample_policy()).exclusion.startswith("public_sector")


def test_persona_brings_its_authority_level():
    assert assess_fit(a_lead(), sample_policy()).authority == "decision_maker"
    assert assess_fit(a_lead(job_title="Geschäftsführerin"), sample_policy()).authority == "executive"


def test_the_profile_memo_answers_as_the_rules_do_and_ignores_only_when_things_were_said():
    from dataclasses import replace

    from scoring.domain.rules import bant_lines
    from scoring.domain.score import ProfileMemo

    policy = sample_policy()
    memo = ProfileMemo(policy, size=2)
    lead = a_lead(said_at={"job_title": "2026-11-01T00:00:00.000000+00:00"})
    for profile in (lead, replace(lead, said_at={}), a_lead(job_title="Sachbearbeiter"), a_lead(employees=40),
                    replace(lead, bant={"budget": "yes"}), lead):
        assert memo(profile) == (assess_fit(profile, policy), tuple(bant_lines(profile, policy)))
    assert memo(replace(lead, said_at={})) is memo(lead)  # the same facts said at another time: not assessed again
    assert memo(a_lead(job_title="Sachbearbeiter"))[0].persona is None
