from dataclasses import replace
from datetime import timedelta

from nurture.domain import Profiling, known_from_answers, known_from_contact, plan_next
from nurture.domain.profiling import form_step, missing

from .builders import NOW, P, a_catalogue, a_lead, a_sent_step

DAY = timedelta(days=1)
BANT = ("budget", "authority", "need", "timeline")
PROFILING = Profiling(
    required_fields=("email", "last_name", "company.name"), bant_fields=BANT,
    title="Zwei Minuten für Sie", url="https://www.zulieferer.example/profil",
)
ONE_STEP = [a_sent_step("ml-ausschreibung", 10 * DAY, answered_at=NOW - 9 * DAY)]


def a_form(lead, sent=ONE_STEP, profiling=PROFILING):
    return form_step(lead, sent, profiling)


def test_form_asks_exactly_the_missing_handoff_fields_and_bant_answers():
    lead = a_lead(known=frozenset({"email", "last_name", "budget"}))
    form = a_form(lead)
    assert form.fields == ("company.name", "authority", "need", "timeline")
    assert form.id == "form-company_name-authority-need-timeline"
    assert form.url == "https://www.zulieferer.example/profil?fields=company.name%2Cauthority%2Cneed%2Ctimeline"
    assert form.format == "form"


def test_no_form_when_handoff_has_everything():
    assert a_form(a_lead(known=frozenset({"email", "last_name", "company.name", *BANT}))) is None


def test_without_bant_the_form_asks_only_the_required_fields():
    lead = a_lead(known=frozenset({"email"}))
    assert a_form(lead, profiling=replace(PROFILING, bant_fields=())).fields == ("last_name", "company.name")


def test_no_form_before_the_lead_has_had_content():
    assert a_form(a_lead(), sent=[]) is None


def test_no_form_in_a_stage_the_agreement_leaves_out():
    assert a_form(a_lead(stage=P)) is None


def test_the_same_form_is_not_asked_twice():
    lead = a_lead(known=frozenset({"email", "last_name", "company.name", "budget", "authority", "need"}))
    asked = a_sent_step("form-timeline", 3 * DAY)
    assert a_form(lead, sent=[*ONE_STEP, asked]) is None


def test_a_partly_answered_form_is_followed_by_one_asking_the_rest():
    lead = a_lead(known=frozenset({"email", "last_name", "company.name", "budget", "authority"}))
    asked = a_sent_step("form-budget-authority-need-timeline", 3 * DAY)
    assert a_form(lead, sent=[*ONE_STEP, asked]).fields == ("need", "timeline")


def test_at_most_max_forms_are_sent():
    asked = [a_sent_step("form-a", 5 * DAY), a_sent_step("form-b", 3 * DAY)]
    assert a_form(a_lead(), sent=[*ONE_STEP, *asked]) is None


def test_the_form_is_the_next_step_of_the_track_with_its_reason():
    catalogue = a_catalogue(profiling=PROFILING)
    plan = plan_next(a_lead(known=frozenset({"email", "last_name", "company.name"})), ONE_STEP, set(), catalogue, NOW)
    assert plan.step.item.fields == BANT
    assert plan.step.reason == "Progressive profiling: handoff still needs budget, authority, need, timeline."


def test_known_fields_come_from_the_contact_and_the_answers():
    contact = {"email": "anna@example.de", "last_name": " ", "company": {"name": "Hydraulik GmbH", "country": None}}
    assert known_from_contact(contact) == {"email", "company.name"}
    assert known_from_answers({"budget": "50k", "need": "", "authority": None}, BANT) == {"budget"}


def test_missing_keeps_the_agreement_order_without_duplicates():
    profiling = Profiling(required_fields=("budget", "email"), bant_fields=BANT, title="t", url="https://x.example")
    assert missing(a_lead(known=frozenset({"email"})), profiling) == BANT
