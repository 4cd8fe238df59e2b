import pytest
from lead_events import Outcome, Stage

from handoff.domain.feedback import decide_feedback, is_sales_response, normalise_reason, target_stage
from handoff.domain.policy import HandoffPolicy

POLICY = HandoffPolicy()


def decide(current: Stage, outcome: Outcome, reason: str | None = None):
    return decide_feedback(current, outcome, reason, POLICY)


def test_accepted_after_handoff_makes_the_lead_sales_accepted():
    decision = decide(Stage.SALES_READY, Outcome.ACCEPTED)
    assert decision.applies and decision.changed
    assert decision.to_stage == Stage.SALES_ACCEPTED


@pytest.mark.parametrize("reason", ["not_ready", "no_budget", "timing", "something else", None])
def test_rejection_for_other_reasons_recycles_the_lead(reason):
    assert decide(Stage.SALES_READY, Outcome.REJECTED, reason).to_stage == Stage.RECYCLED


@pytest.mark.parametrize("reason", ["competitor", "never_a_buyer", "invalid", "student", "consultant"])
def test_rejection_for_a_disqualifying_reason_disqualifies(reason):
    assert decide(Stage.SALES_READY, Outcome.REJECTED, reason).to_stage == Stage.DISQUALIFIED


@pytest.mark.parametrize("reason", ["Competitor", "  never a buyer ", "Never-A-Buyer", "STUDENT"])
def test_disqualifying_reasons_match_regardless_of_spelling(reason):
    assert decide(Stage.SALES_READY, Outcome.REJECTED, reason).to_stage == Stage.DISQUALIFIED


def test_disqualifying_reasons_come_from_the_policy():
    policy = HandoffPolicy(disqualifying_reasons=frozenset({"no_budget"}))
    assert decide_feedback(Stage.SALES_READY, Outcome.REJECTED, "no_budget", policy).to_stage == Stage.DISQUALIFIED
    assert decide_feedback(Stage.SALES_READY, Outcome.REJECTED, "competitor", policy).to_stage == Stage.RECYCLED


def test_sales_may_reject_a_lead_they_accepted():
    assert decide(Stage.SALES_ACCEPTED, Outcome.REJECTED, "timing").to_stage == Stage.RECYCLED


@pytest.mark.parametrize("current", [Stage.SALES_READY, Stage.SALES_ACCEPTED])
def test_opportunity_may_follow_handoff_or_acceptance(current):
    assert decide(current, Outcome.OPPORTUNITY).to_stage == Stage.OPPORTUNITY


@pytest.mark.parametrize("outcome, stage", [(Outcome.WON, Stage.WON), (Outcome.LOST, Stage.LOST)])
@pytest.mark.parametrize("current", [Stage.SALES_ACCEPTED, Stage.OPPORTUNITY])
def test_won_and_lost_follow_acceptance_or_opportunity(current, outcome, stage):
    assert decide(current, outcome).to_stage == stage


@pytest.mark.parametrize("outcome", [Outcome.WON, Outcome.LOST])
def test_won_or_lost_before_acceptance_is_refused(outcome):
    decision = decide(Stage.SALES_READY, outcome)
    assert not decision.applies
    assert decision.to_stage is None
    assert "sales_accepted" in decision.refusal


def test_an_opportunity_cannot_be_rejected_only_lost():
    assert not decide(Stage.OPPORTUNITY, Outcome.REJECTED, "not_ready").applies


def test_accepted_after_an_opportunity_is_refused():
    assert not decide(Stage.OPPORTUNITY, Outcome.ACCEPTED).applies


@pytest.mark.parametrize("closed", [Stage.WON, Stage.LOST, Stage.RECYCLED, Stage.DISQUALIFIED])
@pytest.mark.parametrize("outcome", [Outcome.ACCEPTED, Outcome.OPPORTUNITY])
def test_nothing_moves_a_closed_handoff(closed, outcome):
    decision = decide(closed, outcome)
    assert not decision.applies
    assert closed.value in decision.refusal


def test_won_cannot_become_lost():
    assert not decide(Stage.WON, Outcome.LOST).applies


def test_recycled_lead_cannot_then_be_disqualified_in_the_same_episode():
    assert not decide(Stage.RECYCLED, Outcome.REJECTED, "competitor").applies


@pytest.mark.parametrize(
    "current, outcome, reason",
    [
        (Stage.SALES_ACCEPTED, Outcome.ACCEPTED, None),
        (Stage.OPPORTUNITY, Outcome.OPPORTUNITY, None),
        (Stage.WON, Outcome.WON, None),
        (Stage.RECYCLED, Outcome.REJECTED, "not_ready"),
        (Stage.DISQUALIFIED, Outcome.REJECTED, "competitor"),
    ],
)
def test_a_repeated_feedback_is_accepted_without_change(current, outcome, reason):
    decision = decide(current, outcome, reason)
    assert decision.applies
    assert not decision.changed
    assert decision.to_stage == current


def test_normalise_reason():
    assert normalise_reason("  Never a-Buyer ") == "never_a_buyer"
    assert normalise_reason("") is None
    assert normalise_reason(None) is None


def test_target_stage_of_each_outcome():
    assert target_stage(Outcome.ACCEPTED, None, POLICY) == Stage.SALES_ACCEPTED
    assert target_stage(Outcome.OPPORTUNITY, "ignored", POLICY) == Stage.OPPORTUNITY
    assert target_stage(Outcome.REJECTED, "consultant", POLICY) == Stage.DISQUALIFIED


def test_only_a_handed_off_lead_awaits_a_sales_response():
    assert not is_sales_response(Stage.SALES_READY)
    assert is_sales_response(Stage.RECYCLED)



@pytest.mark.parametrize("stage", [Stage.SALES_READY, Stage.SALES_ACCEPTED, Stage.OPPORTUNITY])
def test_first_contact_keeps_the_stage_and_counts_as_the_sales_answer(stage):
    decision = decide(stage, Outcome.CONTACTED)
    assert decision.applies and decision.contact_only and not decision.changed
    assert decision.to_stage == stage


@pytest.mark.parametrize("stage", [Stage.WON, Stage.LOST, Stage.RECYCLED, Stage.DISQUALIFIED])
def test_contact_after_the_handoff_closed_is_refused(stage):
    assert "no longer applies" in decide(stage, Outcome.CONTACTED).refusal


def test_an_answer_is_out_of_time_when_from_the_future_for_an_earlier_episode_or_before_its_handoff():
    from datetime import UTC, datetime, timedelta

    from handoff.domain.feedback import out_of_time

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    handed = now - timedelta(hours=1)
    ok = dict(now=now, handed_at=handed, episode=2, latest_episode=2, named=False)
    assert out_of_time(now - timedelta(minutes=10), **ok) is None
    assert out_of_time(now + timedelta(minutes=4), **ok) is None  # within the skew
    assert "future" in out_of_time(now + timedelta(days=2), **ok)
    assert "earlier episode" in out_of_time(now - timedelta(days=3), **ok)  # names none, given before this episode
    assert out_of_time(now - timedelta(days=3), **{**ok, "named": True}) is None  # it names this handoff
    assert "episode 1" in out_of_time(now, **{**ok, "episode": 1, "named": True})
