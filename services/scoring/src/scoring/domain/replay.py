"""Recompute a lead from its stored touchpoints under an agreement: the heart of shadow mode
and of switching agreements. Pure: the same touchpoints and agreement give the same result."""

from dataclasses import dataclass
from datetime import datetime

from .model import Activity, LeadProfile, ScoreLine
from .policy import ScoringPolicy
from .rules import behaviour_lines, decide_stage, target_stage, wants_sales_contact
from .score import Score, score_lead

_WITH_SALES = {"sales_ready", "sales_accepted", "opportunity", "won", "lost"}


@dataclass(frozen=True)
class Recorded:
    activity: Activity
    profile: LeadProfile  # what this touchpoint said about the person


@dataclass(frozen=True)
class Replayed:
    profile: LeadProfile
    ledger: tuple[ScoreLine, ...]
    stage: str
    reason: str
    score: Score


def replay(touchpoints: list[Recorded], policy: ScoringPolicy, now: datetime, since: datetime | None = None) -> Replayed:
    """Touchpoints in the order they happened, each decided as if live, then decay to `now`."""
    profile, ledger, seen = LeadProfile(), [], set()
    stage, reason = "prospect", "No touchpoint yet."
    for tp in touchpoints:
        if tp.activity.touchpoint_id in seen:
            continue  # a touchpoint counts once, however often it was stored or sent
        seen.add(tp.activity.touchpoint_id)
        profile = profile.merged(tp.profile, tp.activity.occurred_at)
        ledger += behaviour_lines(tp.activity, ledger, policy)
        score = score_lead(profile, ledger, tp.activity.occurred_at, policy, since)
        decision = decide_stage(stage, score.fit, score.engagement, profile, wants_sales_contact(tp.activity, policy), policy, ())
        if decision is not None:
            stage, reason = decision.to_stage, decision.reason
    score = score_lead(profile, ledger, now, policy, since)
    decision = decide_stage(stage, score.fit, score.engagement, profile, False, policy, ())
    if decision is not None:
        stage, reason = decision.to_stage, decision.reason
    return Replayed(profile, tuple(ledger), stage, reason, score)


def stage_under(current: str, replayed: Replayed, policy: ScoringPolicy) -> tuple[str, str]:
    """Where a lead now at `current` stands under the replayed agreement. Sales' decisions stand;
    an exclusion still disqualifies; a recycled lead is judged on what happened since."""
    if current == "disqualified":
        return current, "Stays disqualified."
    if replayed.stage == "disqualified":
        return replayed.stage, replayed.reason
    if current in _WITH_SALES:
        return current, "With sales; the new agreement does not take it back."
    if current == "recycled":
        s = replayed.score
        target, reason = target_stage(s.fit, s.engagement, replayed.profile, False, policy)
        return (target, reason) if target in ("marketing_lead", "sales_ready") else (current, reason)
    return replayed.stage, replayed.reason


def classify_change(current: str, would_be: str) -> str | None:
    """The shadow report's words for a difference, or None when nothing changes."""
    if current == would_be:
        return None
    if would_be == "sales_ready":
        return "would become sales-ready"
    if would_be == "marketing_lead" and current in ("prospect", "recycled"):
        return "would become marketing lead"
    if would_be == "disqualified":
        return "would be disqualified"
    if current in ("marketing_lead", "sales_ready") and would_be in ("prospect", "recycled"):
        return "would drop out"
    return f"would move from {current} to {would_be}"
