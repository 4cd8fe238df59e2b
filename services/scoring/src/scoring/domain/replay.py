"""Recompute a lead from its stored touchpoints under an agreement: the heart of shadow mode
and of switching agreements. Pure: the same touchpoints and agreement give the same result."""

from dataclasses import dataclass
from datetime import datetime

from .behaviour_state import BehaviourState
from .model import Activity, LeadProfile, ScoreLine
from .policy import ScoringPolicy
from .rules import behaviour_lines, decide_stage, target_stage, wants_sales_contact
from .rules.caps import period_of
from .score import ProfileMemo, Score, score_lead

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


def replay(touchpoints: list[Recorded], policy: ScoringPolicy, now: datetime, since: datetime | None = None,
           memo: ProfileMemo | None = None, explained: bool = True, start: LeadProfile | None = None) -> Replayed:
    """Touchpoints in the order they happened, each decided as if live, then decay to `now`.

    `start`: what was known of the person before the first of them, when older touchpoints were
    purged (`LeadProfile.said_before` the retention's cutoff); None: nothing.

    Each step costs the same whatever came before (a re-score of a year of data replays millions):
    engagement runs as the live path keeps it (`BehaviourState`), a cap sees only its period's
    lines, and a profile's fit is assessed once per distinct profile (`memo`, shared across leads).
    Not `explained`: the final score carries no behaviour lines (a shadow report needs only stages)."""
    memo = memo if memo is not None and memo.policy is policy else ProfileMemo(policy)
    half_life = policy.behaviour.half_life_days
    profile, ledger, seen = start or LeadProfile(), [], set()
    running, periods = _Running(half_life, since), _CapPeriods(policy)
    stage, reason = "prospect", "No touchpoint yet."
    for tp in touchpoints:
        activity = tp.activity
        if activity.touchpoint_id in seen:
            continue  # a touchpoint counts once, however often it was stored or sent
        seen.add(activity.touchpoint_id)
        profile = profile.merged(tp.profile, activity.occurred_at)
        lines = behaviour_lines(activity, periods.lines(activity), policy)
        ledger += lines
        periods.add(lines)
        fit, _ = memo(profile)
        engagement = running.add(lines, activity.occurred_at)
        decision = decide_stage(stage, fit, engagement, profile, wants_sales_contact(activity, policy), policy, ())
        if decision is not None:
            stage, reason = decision.to_stage, decision.reason
    if explained:
        score = score_lead(profile, ledger, now, policy, since)
    else:
        fit, bant = memo(profile)
        score = Score(fit, running.at(now), (), bant)
    decision = decide_stage(stage, score.fit, score.engagement, profile, False, policy, ())
    if decision is not None:
        stage, reason = decision.to_stage, decision.reason
    return Replayed(profile, tuple(ledger), stage, reason, score)


class _Running:
    """Engagement after each step, as `score_lead` would sum the ledger so far at that moment."""

    def __init__(self, half_life_days: float, since: datetime | None) -> None:
        self.state, self.lines = BehaviourState(half_life_days, since, explained=False), []

    def add(self, lines: list[ScoreLine], at: datetime) -> float:
        counted = [l for l in lines if self.state.counts(l)]
        self.lines += counted
        if self.state.as_of is not None and at < self.state.as_of:
            # a step back in time (stored touchpoints come in time order, so only given ones):
            # running state moves forward only, so sum again as of then
            self.state = BehaviourState.of(self.lines, self.state.half_life_days, at, self.state.since, explained=False)
        elif counted or self.state.as_of is None:
            self.state = self.state.with_lines(counted, at)
        return self.at(at)

    def at(self, moment: datetime) -> float:
        return round(self.state.engagement(moment), 2)


class _CapPeriods:
    """A capped rule's lines by cap period: what `behaviour_lines` needs of the ledger so far."""

    def __init__(self, policy: ScoringPolicy) -> None:
        self._days = {f"behaviour.{kind}": cap.days for kind, cap in policy.behaviour.caps.items()}
        self._lines: dict[tuple[str, datetime], list[ScoreLine]] = {}

    def _key(self, rule: str, at: datetime) -> tuple[str, datetime]:
        return rule, period_of(at, self._days[rule])[0]

    def lines(self, activity: Activity) -> list[ScoreLine]:
        rule = f"behaviour.{activity.type}"
        return self._lines.get(self._key(rule, activity.occurred_at), []) if rule in self._days else []

    def add(self, lines: list[ScoreLine]) -> None:
        for line in lines:
            if line.rule in self._days and line.occurred_at is not None:
                self._lines.setdefault(self._key(line.rule, line.occurred_at), []).append(line)


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
