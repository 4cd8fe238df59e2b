"""A lead's score at a moment, and the explanation a salesperson reads."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .behaviour_state import BehaviourState
from .model import FitAssessment, LeadProfile, ScoreLine
from .policy import ScoringPolicy
from .rules import assess_fit, bant_lines, decayed, missing_for_handoff, target_stage


@dataclass(frozen=True)
class Score:
    fit: FitAssessment
    engagement: float
    behaviour: tuple[ScoreLine, ...]  # each ledger entry, decayed to the moment of reading
    bant: tuple[ScoreLine, ...] = ()

    @property
    def total(self) -> float:
        return self.fit.score + self.engagement + sum(line.points for line in self.bant)


def score_lead(
    profile: LeadProfile,
    ledger: list[ScoreLine],
    now: datetime,
    policy: ScoringPolicy,
    since: datetime | None = None,
) -> Score:
    half_life = policy.behaviour.half_life_days
    counted = [l for l in ledger if l.occurred_at and (since is None or l.occurred_at >= since)]
    engagement = sum(decayed(l.points, l.occurred_at, now, half_life) for l in counted)
    behaviour = decayed_lines(counted, now, half_life)
    return Score(assess_fit(profile, policy), round(engagement, 2), behaviour, tuple(bant_lines(profile, policy)))


class ProfileMemo:
    """A profile's fit and BANT lines under one policy, assessed once per distinct profile: most
    touchpoints repeat what the lead's profile already says (only the times it was said move)."""

    def __init__(self, policy: ScoringPolicy, size: int = 8192) -> None:
        self.policy, self._size = policy, size
        self._known: dict[tuple, tuple[FitAssessment, tuple[ScoreLine, ...]]] = {}

    def __call__(self, profile: LeadProfile) -> tuple[FitAssessment, tuple[ScoreLine, ...]]:
        fields = vars(profile)
        key = (*(v for k, v in fields.items() if k not in _UNHASHABLE), *profile.bant.items())
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= self._size:
                self._known.clear()
            known = self._known[key] = (assess_fit(profile, self.policy), tuple(bant_lines(profile, self.policy)))
        return known


_UNHASHABLE = ("bant", "said_at")  # bant goes in as its items; when things were said moves no points


def score_running(profile: LeadProfile, behaviour: BehaviourState, now: datetime, policy: ScoringPolicy,
                  memo: ProfileMemo | None = None) -> Score:
    """The score from the running state: the same engagement as `score_lead` over the whole
    ledger, explained by its strongest lines (decayed to `now`)."""
    engagement = round(behaviour.engagement(now), 2)
    lines = decayed_lines(behaviour.strongest, now, behaviour.half_life_days)
    fit, bant = memo(profile) if memo is not None and memo.policy is policy else (
        assess_fit(profile, policy), tuple(bant_lines(profile, policy)))
    return Score(fit, engagement, lines, bant)


def decayed_lines(lines, now: datetime, half_life_days: float) -> tuple[ScoreLine, ...]:
    """Each line with its points decayed to `now` (rounded to cents, as the explanation shows them)."""
    return tuple(
        ScoreLine(l.rule, round(decayed(l.points, l.occurred_at, now, half_life_days), 2), l.touchpoint_id, l.detail,
                  l.occurred_at, l.strong)
        for l in lines
    )


def explain(stage: str, score: Score, profile: LeadProfile, policy: ScoringPolicy,
            strong_signals: Sequence[ScoreLine] | None = None) -> dict:
    """Why this lead is (not yet) ready, in words, with the lines behind the numbers. The strong
    signals are those among the score's behaviour lines unless the caller read them (the latest
    from the ledger: a score from the running state carries only its strongest lines)."""
    target, reason = target_stage(score.fit, score.engagement, profile, False, policy)
    missing = missing_for_handoff(profile, policy.required_for_handoff)
    if stage in ("sales_ready", "sales_accepted", "opportunity", "won", "lost"):
        summary = f"Handed to sales (stage {stage}). Now: total {score.total:.0f}, fit grade {score.fit.grade}."
    elif stage == "disqualified":
        summary = reason if target == "disqualified" else "Disqualified."
    else:
        need = policy.thresholds.sales_ready - score.total
        summary = f"Not yet sales-ready: {reason}"
        if score.fit.qualifies and need > 0:
            summary += f" {need:.0f} more points are needed for sales-ready."
        if missing:
            summary += f" Missing for handoff: {', '.join(missing)}."
    strongest = sorted(score.behaviour, key=lambda l: -l.points)[:3]
    if strongest and stage != "disqualified":
        summary += " Strongest signals: " + "; ".join(f"{l.detail} ({l.points:+.0f})" for l in strongest) + "."
    return {
        "summary": summary,
        "missing_for_handoff": missing,
        "fit": [line_view(l) for l in score.fit.lines],
        "behaviour": [line_view(l) for l in score.behaviour],
        "bant": [line_view(l) for l in score.bant],
        "strong_signals": [line_view(l) for l in (score.behaviour if strong_signals is None else strong_signals)
                           if l.strong],
    }


def line_view(line: ScoreLine) -> dict:
    return {
        "rule": line.rule,
        "points": line.points,
        "touchpoint_id": line.touchpoint_id,
        "detail": line.detail,
        "occurred_at": line.occurred_at.isoformat() if line.occurred_at else None,
        "strong_signal": line.strong,
    }
