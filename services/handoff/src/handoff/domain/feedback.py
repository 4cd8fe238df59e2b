"""Which stage the CRM's feedback moves a handed-off lead to, or why it cannot."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from lead_events import CLOCK_SKEW, Outcome, Stage, is_ahead

from .policy import HandoffPolicy

# Stages after which nothing more may happen within the same sales-ready episode.
TERMINAL = frozenset({Stage.WON, Stage.LOST, Stage.RECYCLED, Stage.DISQUALIFIED})

# outcome -> stages it may come from. `opportunity` may skip `accepted` (a CRM often converts
# at once); won/lost need sales to have taken the lead first.
_ALLOWED_FROM: dict[Outcome, frozenset[Stage]] = {
    Outcome.ACCEPTED: frozenset({Stage.SALES_READY}),
    Outcome.REJECTED: frozenset({Stage.SALES_READY, Stage.SALES_ACCEPTED}),
    Outcome.OPPORTUNITY: frozenset({Stage.SALES_READY, Stage.SALES_ACCEPTED}),
    Outcome.WON: frozenset({Stage.SALES_ACCEPTED, Stage.OPPORTUNITY}),
    Outcome.LOST: frozenset({Stage.SALES_ACCEPTED, Stage.OPPORTUNITY}),
}

_TARGET: dict[Outcome, Stage] = {
    Outcome.ACCEPTED: Stage.SALES_ACCEPTED,
    Outcome.OPPORTUNITY: Stage.OPPORTUNITY,
    Outcome.WON: Stage.WON,
    Outcome.LOST: Stage.LOST,
}


@dataclass(frozen=True)
class FeedbackDecision:
    """`to_stage` is set when the feedback applies; `changed` is False for a repeat of the
    feedback that led to the current stage (CRMs resend); `refusal` says why it cannot apply;
    `contact_only` marks a first contact that moves no stage but meets the follow-up SLA."""

    to_stage: Stage | None
    changed: bool = False
    refusal: str | None = None
    contact_only: bool = False

    @property
    def applies(self) -> bool:
        return self.refusal is None


def normalise_reason(reason: str | None) -> str | None:
    """`Never a buyer` and `never-a-buyer` both match `never_a_buyer`."""
    if reason is None or not reason.strip():
        return None
    return "_".join(reason.strip().lower().replace("-", " ").split())


def target_stage(outcome: Outcome, reason: str | None, policy: HandoffPolicy) -> Stage:
    if outcome is Outcome.REJECTED:
        if normalise_reason(reason) in policy.disqualifying_reasons:
            return Stage.DISQUALIFIED
        return Stage.RECYCLED
    return _TARGET[outcome]


def decide_feedback(
    current: Stage, outcome: Outcome, reason: str | None, policy: HandoffPolicy
) -> FeedbackDecision:
    if outcome is Outcome.CONTACTED:
        if current in TERMINAL:
            return FeedbackDecision(None, refusal=f"the handoff is closed as {current.value}; contacted no longer applies")
        return FeedbackDecision(to_stage=current, contact_only=True)
    target = target_stage(outcome, reason, policy)
    if current == target:
        return FeedbackDecision(to_stage=target, changed=False)
    if current in TERMINAL:
        return FeedbackDecision(
            None, refusal=f"the handoff is closed as {current.value}; {outcome.value} no longer applies"
        )
    if current not in _ALLOWED_FROM[outcome]:
        allowed = ", ".join(sorted(s.value for s in _ALLOWED_FROM[outcome]))
        return FeedbackDecision(
            None, refusal=f"{outcome.value} cannot follow {current.value} (only after: {allowed})"
        )
    return FeedbackDecision(to_stage=target, changed=True)


def is_sales_response(stage: Stage) -> bool:
    """Any stage sales moved the lead to counts as their response for the follow-up SLA."""
    return stage != Stage.SALES_READY


def out_of_time(
    at: datetime, *, now: datetime, handed_at: datetime, episode: int, latest_episode: int, named: bool,
    skew: timedelta = CLOCK_SKEW,
) -> str | None:
    """Why an answer cannot be applied to this handoff, by time and episode, or None.

    An answer is bound to the handoff it names; one that names none is for the latest episode
    only if it was given after that episode was handed off (a redelivered answer to an earlier
    episode otherwise recycles the current one). An answer from the future has not been given.
    """
    if is_ahead(at, now, skew):
        return f"at {at.isoformat()} is in the future (now {now.isoformat(timespec='seconds')}); send when sales decided"
    if episode < latest_episode:
        return (f"it answers episode {episode}, and the lead has been handed to sales again since (episode"
                f" {latest_episode}); an answer to an earlier episode never changes a later one")
    if not named and at < handed_at - skew:
        return (f"at {at.isoformat()} is before this episode was handed off ({handed_at.isoformat(timespec='seconds')}):"
                " it answers an earlier episode; send the handoff_id it answers")
    return None
