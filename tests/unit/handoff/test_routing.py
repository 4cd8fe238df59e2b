"""Routing: named accounts, territories, weighted round robin, capacity, leave; every decision explained."""

from collections import Counter
from datetime import UTC, date, datetime

from handoff.domain.reps import Leave, Rep
from handoff.domain.routing import Account, RoutingRules, RoutingState, Territory, route_lead

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def a_rep(rep_id: str, team: str = "dach", **overrides) -> Rep:
    return Rep(rep_id, team, **overrides)


def some_rules(**overrides) -> RoutingRules:
    values = dict(
        version="t-1",
        reps=(a_rep("anna", weight=2), a_rep("ben"), a_rep("ina", team="intl")),
        territories=(
            Territory("dach-manufacturing", "dach", frozenset({"DE", "AT", "CH"}), frozenset({"manufacturing"})),
            Territory("europe", "intl", frozenset({"FR", "NL"})),
        ),
        named_accounts={"grossindustrie.example": "ben", "muster ag": "ina"},
        default_team="intl",
    )
    return RoutingRules(**{**values, **overrides})


def a_german_manufacturer(**overrides) -> Account:
    return Account(**{"domain": "example-industrie.de", "country": "DE", "industry": "manufacturing", **overrides})


def assign_many(rules, n, account=None, state=None, now=NOW):
    """Feeds each decision's credits and load back in, as the service does."""
    state = state or RoutingState()
    counts = Counter()
    for _ in range(n):
        a = route_lead(account or a_german_manufacturer(), rules, state, now)
        counts[a.rep.rep_id if a.rep else None] += 1
        credits = {**state.credits, a.team: a.credits} if a.credits else state.credits
        load = {**state.load}
        if a.rep:
            load[a.rep.rep_id] = load.get(a.rep.rep_id, 0) + 1
        state = RoutingState(credits, load)
    return counts, state


def test_a_company_in_a_territory_goes_to_that_territorys_team_and_says_why():
    a = route_lead(a_german_manufacturer(), some_rules(), RoutingState(), NOW)
    assert a.rule == "territory" and a.team == "dach" and a.rep.rep_id == "anna"
    assert "territory dach-manufacturing (country DE, industry manufacturing)" in a.explanation[0]
    assert a.reason.startswith("anna is next in team dach's weighted round robin (anna 2, ben 1)")


def test_an_industry_outside_the_territory_falls_to_the_next_match_or_the_default_team():
    a = route_lead(a_german_manufacturer(industry="retail"), some_rules(), RoutingState(), NOW)
    assert a.rule == "default_team" and a.rep.rep_id == "ina"
    assert "no territory matches country DE, industry retail" in a.explanation[0]


def test_an_unknown_country_goes_to_the_default_team():
    a = route_lead(Account(), some_rules(), RoutingState(), NOW)
    assert a.team == "intl" and "country unknown" in a.explanation[0]


def test_without_a_default_team_an_unmatched_lead_is_unassigned_with_the_reason():
    a = route_lead(Account(country="US"), some_rules(default_team=None), RoutingState(), NOW)
    assert a.rep is None and a.rule == "unassigned" and "no default team" in a.reason


def test_a_named_account_goes_to_its_owner_whatever_the_territory():
    a = route_lead(a_german_manufacturer(domain="www.grossindustrie.example"), some_rules(), RoutingState(), NOW)
    assert a.rule == "named_account" and a.rep.rep_id == "ben"
    assert a.reason == "ben owns the named account grossindustrie.example"
    assert a.credits == {}  # the round robin does not move


def test_a_named_account_matches_by_company_name_too():
    a = route_lead(Account(name="Muster  AG", country="DE"), some_rules(), RoutingState(), NOW)
    assert a.rep.rep_id == "ina"


def test_a_named_account_owner_on_leave_is_skipped_and_the_territory_decides():
    away = a_rep("ben", leave=(Leave(date(2026, 11, 20), date(2026, 11, 30)),))
    rules = some_rules(reps=(a_rep("anna", weight=2), away, a_rep("ina", team="intl")))
    a = route_lead(a_german_manufacturer(domain="grossindustrie.example"), rules, RoutingState(), NOW)
    assert a.rep.rep_id == "anna"
    assert a.explanation[0] == "named account owner ben skipped: is on leave until 2026-11-30"


def test_weights_hold_within_two_percent_over_ten_thousand_assignments():
    rules = some_rules(reps=(a_rep("anna", weight=5), a_rep("ben", weight=3), a_rep("cem", weight=2)))
    counts, _ = assign_many(rules, 10_000)
    for rep, share in {"anna": 0.5, "ben": 0.3, "cem": 0.2}.items():
        assert abs(counts[rep] / 10_000 - share) <= 0.02 * share, counts


def test_weighted_round_robin_interleaves_instead_of_batching():
    counts, _ = assign_many(some_rules(), 3)
    assert counts == {"anna": 2, "ben": 1}
    picks = []
    state = RoutingState()
    for _ in range(6):
        a = route_lead(a_german_manufacturer(), some_rules(), state, NOW)
        picks.append(a.rep.rep_id)
        state = RoutingState({"dach": a.credits}, {})
    assert picks == ["anna", "ben", "anna", "anna", "ben", "anna"]


def test_a_rep_at_monthly_capacity_is_skipped_until_the_next_month():
    rules = some_rules(reps=(a_rep("anna", weight=2, monthly_capacity=3), a_rep("ben")))
    state = RoutingState(load={"anna": 3})
    a = route_lead(a_german_manufacturer(), rules, state, NOW)
    assert a.rep.rep_id == "ben"
    assert "skipped anna: reached the monthly capacity of 3 leads" in a.explanation


def test_capacity_caps_a_rep_over_a_month():
    rules = some_rules(reps=(a_rep("anna", weight=2, monthly_capacity=10), a_rep("ben")))
    counts, _ = assign_many(rules, 100)
    assert counts == {"anna": 10, "ben": 90}


def test_when_every_rep_is_unavailable_the_lead_is_unassigned_not_lost():
    rules = some_rules(reps=(a_rep("anna", active=False), a_rep("ben", monthly_capacity=0)))
    a = route_lead(a_german_manufacturer(), rules, RoutingState(), NOW)
    assert a.rep is None and a.team == "dach" and a.rule == "unassigned"
    assert "skipped anna: is inactive" in a.explanation
    assert "no rep of team dach is available" in a.reason


def test_a_rep_on_leave_gets_nothing_and_no_burst_on_return():
    leave = Leave(date(2026, 11, 1), date(2026, 11, 15))
    rules = some_rules(reps=(a_rep("anna", leave=(leave,)), a_rep("ben")))
    during, state = assign_many(rules, 500, now=datetime(2026, 11, 10, tzinfo=UTC))
    assert during == {"ben": 500}
    back = datetime(2026, 11, 16, tzinfo=UTC)
    after, _ = assign_many(rules, 10, state=state, now=back)
    assert after == {"anna": 5, "ben": 5}  # equal weights: equal shares from the first day back


def test_a_reassignment_excludes_the_reps_who_had_the_lead():
    a = route_lead(a_german_manufacturer(), some_rules(), RoutingState(), NOW, exclude=frozenset({"anna"}))
    assert a.rep.rep_id == "ben" and "skipped anna: already had this lead" in a.explanation
