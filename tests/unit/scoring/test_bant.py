from dataclasses import replace

from scoring.domain.policy import Bant
from scoring.domain.rules import answered, assess_fit, bant_answers, bant_lines, decide_stage

from .helpers import a_lead, sample_policy


def test_form_properties_become_bant_answers():
    answers = bant_answers({"budget": "50.000 EUR freigegeben", "timeline": "Q1", "other": "x"}, sample_policy())
    assert answers == {"budget": "50.000 EUR freigegeben", "timeline": "Q1"}


def test_negative_answers_do_not_count():
    lead = a_lead(bant={"budget": "nein", "need": "Zweitlieferant gesucht", "timeline": "unbekannt"})
    assert answered(lead, sample_policy()) == ["need"]
    assert [(l.rule, l.points) for l in bant_lines(lead, sample_policy())] == [("bant.need", 5)]


def test_bant_answers_count_toward_sales_ready():
    policy = sample_policy()
    lead = a_lead(bant={"budget": "ja", "timeline": "3 Monate"})  # +20
    fit = assess_fit(lead, policy)
    assert decide_stage("marketing_lead", fit, 20, lead, False, policy, ()).to_stage == "sales_ready"
    assert decide_stage("marketing_lead", fit, 20, a_lead(), False, policy, ()) is None


def test_agreement_can_require_bant_answers_before_sales_ready():
    policy = sample_policy()
    strict = policy.model_copy(update={"bant": Bant(**{**policy.bant.model_dump(), "required_for_sales_ready": 2})})
    lead = a_lead(bant={"budget": "ja"})
    decision = decide_stage("prospect", assess_fit(lead, strict), 200, lead, False, strict, ())
    assert decision.to_stage == "marketing_lead"
    assert "1 more BANT answer" in decision.reason
    lead = replace(lead, bant={"budget": "ja", "need": "hoch"})
    assert decide_stage("prospect", assess_fit(lead, strict), 200, lead, False, strict, ()).to_stage == "sales_ready"


def test_later_answers_override_earlier_ones():
    lead = a_lead(bant={"budget": "nein"}).merged(a_lead(bant={"budget": "ja", "need": "x"}))
    assert lead.bant == {"budget": "ja", "need": "x"}
