"""Who gets a sales-ready lead, and why.

Order: the owner of a named account; else the first territory whose countries and industries
match, shared within its team by smooth weighted round robin (nginx's algorithm); else the
default team. Reps on leave, inactive or at capacity are skipped. Round-robin credits of a
skipped rep stay frozen, so a rep back from leave gets their share again, not a burst.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .reps import Rep, unavailable_because

Credits = Mapping[str, float]  # rep_id -> smooth-WRR credit within a team


@dataclass(frozen=True)
class Account:
    """What routing looks at: the company behind the lead."""

    domain: str | None = None
    name: str | None = None
    country: str | None = None
    industry: str | None = None


@dataclass(frozen=True)
class Territory:
    name: str
    team: str
    countries: frozenset[str] = frozenset()  # empty: any country
    industries: frozenset[str] = frozenset()  # empty: any industry

    def matches(self, account: Account) -> bool:
        if self.countries and (account.country or "").upper() not in self.countries:
            return False
        return not self.industries or (account.industry or "").lower() in self.industries


@dataclass(frozen=True)
class RoutingRules:
    version: str
    reps: tuple[Rep, ...]
    territories: tuple[Territory, ...] = ()
    named_accounts: Mapping[str, str] = field(default_factory=dict)  # domain or lower-case name -> rep_id
    default_team: str | None = None
    escalation: Mapping[str, str] = field(default_factory=dict)  # team -> who hears of SLA breaches

    def rep(self, rep_id: str | None) -> Rep | None:
        return next((r for r in self.reps if r.rep_id == rep_id), None)

    def team_of(self, team: str) -> list[Rep]:
        return [r for r in self.reps if r.team == team]


@dataclass(frozen=True)
class RoutingState:
    credits: Mapping[str, Credits] = field(default_factory=dict)  # team -> credits
    load: Mapping[str, int] = field(default_factory=dict)  # rep_id -> leads assigned this month


@dataclass(frozen=True)
class Assignment:
    rep: Rep | None
    team: str | None
    rule: str  # named_account | territory | default_team | unassigned
    reason: str
    explanation: tuple[str, ...]
    credits: Mapping[str, float] = field(default_factory=dict)  # the team's new credits; empty: unchanged


def weighted_pick(candidates: list[Rep], credits: Credits) -> tuple[Rep, dict[str, float]]:
    """Smooth weighted round robin: every candidate earns its weight, the richest is picked and
    pays the total. Over any run the picks match the weights; ties go to the earlier rep."""
    total = sum(r.weight for r in candidates)
    new = {**credits}
    for rep in candidates:
        new[rep.rep_id] = new.get(rep.rep_id, 0.0) + rep.weight
    chosen = max(candidates, key=lambda r: new[r.rep_id])  # max keeps the first of equals
    new[chosen.rep_id] -= total
    return chosen, new


def account_key(account: Account) -> list[str]:
    keys = []
    if account.domain:
        keys.append(account.domain.lower().removeprefix("www."))
    if account.name:
        keys.append(" ".join(account.name.lower().split()))
    return keys


def route_lead(
    account: Account, rules: RoutingRules, state: RoutingState, now: datetime, exclude: frozenset[str] = frozenset()
) -> Assignment:
    """`exclude`: reps who already had the lead (a reassignment after an SLA breach)."""
    steps: list[str] = []
    owner = _named_owner(account, rules)
    if owner is not None:
        why_not = "already had this lead" if owner.rep_id in exclude else unavailable_because(owner, now, 0)
        if why_not is None:  # an owner keeps their accounts whatever their round-robin load
            reason = f"{owner.rep_id} owns the named account {account_key(account)[0]}"
            return Assignment(owner, owner.team, "named_account", reason, (reason,))
        steps.append(f"named account owner {owner.rep_id} skipped: {why_not.removeprefix(owner.rep_id + ' ')}")
    team, rule = _team_for(account, rules, steps)
    if team is None:
        return Assignment(None, None, "unassigned", steps[-1], tuple(steps))
    candidates = []
    for rep in rules.team_of(team):
        why_not = "already had this lead" if rep.rep_id in exclude else None
        why_not = why_not or unavailable_because(rep, now, state.load.get(rep.rep_id, 0))
        if why_not:
            steps.append(f"skipped {rep.rep_id}: {why_not.removeprefix(rep.rep_id + ' ')}")
        else:
            candidates.append(rep)
    if not candidates:
        reason = f"no rep of team {team} is available; the CRM's own assignment rules decide"
        return Assignment(None, team, "unassigned", reason, (*steps, reason))
    chosen, credits = weighted_pick(candidates, state.credits.get(team, {}))
    shares = ", ".join(f"{r.rep_id} {r.weight:g}" for r in candidates)
    reason = f"{chosen.rep_id} is next in team {team}'s weighted round robin ({shares})"
    return Assignment(chosen, team, rule, reason, (*steps, reason), credits)


def _named_owner(account: Account, rules: RoutingRules) -> Rep | None:
    for key in account_key(account):
        if key in rules.named_accounts:
            return rules.rep(rules.named_accounts[key])
    return None


def _team_for(account: Account, rules: RoutingRules, steps: list[str]) -> tuple[str | None, str]:
    where = f"country {account.country or 'unknown'}, industry {account.industry or 'unknown'}"
    for territory in rules.territories:
        if territory.matches(account):
            steps.append(f"territory {territory.name} ({where}) belongs to team {territory.team}")
            return territory.team, "territory"
    if rules.default_team:
        steps.append(f"no territory matches {where}; default team {rules.default_team}")
        return rules.default_team, "default_team"
    steps.append(f"no territory matches {where} and no default team is configured")
    return None, "unassigned"
