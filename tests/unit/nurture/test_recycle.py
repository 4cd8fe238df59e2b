from lead_events import Stage
from nurture.domain import apply_stage_change, plan_next, rejection_reason

from .builders import ML, NOW, RC, a_catalogue, a_lead, an_item

CATALOGUE = a_catalogue(
    an_item("ml-allgemein", personas=("unknown",)),
    an_item("p-allgemein", Stage.PROSPECT, ("unknown",)),
    an_item("rc-budget", RC, ("purchasing", "unknown"), reasons=("no_budget", "budget")),
    an_item("rc-timing", RC, ("purchasing", "unknown"), reasons=("timing",)),
    an_item("rc-marktbericht", RC, ("purchasing", "unknown")),
)


def first_step(reason, consumed=()):
    return plan_next(a_lead(stage=RC, recycle_reason=reason), [], set(consumed), CATALOGUE, NOW).step


def test_rejected_for_budget_gets_the_budget_track_first():
    step = first_step("no_budget")
    assert (step.item.id, step.track) == ("rc-budget", "recycled.no_budget.purchasing")


def test_rejected_for_timing_gets_the_timing_track():
    assert first_step("timing").item.id == "rc-timing"


def test_the_reason_track_goes_on_with_the_general_recycle_items():
    step = first_step("no_budget", consumed={"rc-budget"})
    assert step.item.id == "rc-marktbericht"


def test_an_unknown_or_missing_reason_gets_only_the_general_recycle_items():
    for reason in ("other", None):
        step = first_step(reason)
        assert (step.item.id, step.track) == ("rc-marktbericht", "recycled.purchasing")
    assert [i.id for i in CATALOGUE.items_for(RC, "purchasing", "other")] == ["rc-marktbericht"]


def test_reason_is_read_from_the_crm_feedback_evidence():
    evidence = [("score.threshold", "fit=A"), ("crm.feedback.rejected", "outcome=rejected; reason=no_budget; rep_id=rep-7")]
    assert rejection_reason(evidence) == "no_budget"
    assert rejection_reason([("crm.feedback.rejected", "outcome=rejected")]) is None
    assert rejection_reason([("other.rule", "reason=timing")]) is None


def test_only_entering_the_recycled_stage_sets_the_reason():
    recycled = apply_stage_change(a_lead(), "lead-1", to_stage=RC, persona=None, email=None, consent=None, now=NOW,
                                  recycle_reason="timing")
    assert recycled.recycle_reason == "timing"
    nurtured = apply_stage_change(recycled, "lead-1", to_stage=ML, persona=None, email=None, consent=None, now=NOW,
                                  recycle_reason="ignored")
    assert nurtured.recycle_reason == "timing"
