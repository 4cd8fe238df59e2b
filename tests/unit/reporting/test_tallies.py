from datetime import date

from reporting.domain.tallies import shares, tally_changes

D1, D2 = date(2026, 11, 30), date(2026, 12, 1)


def test_a_leads_share_counts_each_stage_change_once_in_each_of_its_groups():
    changes = {"a": [(D1, "prospect", 1), (D2, "marketing_lead", 1), (D2, "prospect", -1)], "b": [(D1, "prospect", 1)]}
    groups = {"a": frozenset({("all", ""), ("source", "web")}), "b": frozenset({("all", "")}), "c": frozenset({("all", "")})}
    got = shares(changes, groups)
    assert got[("all", "", D1, "prospect")] == 2
    assert got[("source", "web", D2, "marketing_lead")] == 1 and got[("source", "web", D2, "prospect")] == -1
    assert not any(key[1] == "unknown" for key in got)  # only the groups named; a lead without changes adds nothing


def test_moving_a_lead_to_another_group_moves_its_changes_by_day_and_month():
    changes = {"a": [(D1, "prospect", 1), (D2, "marketing_lead", 1), (D2, "prospect", -1)]}
    before = shares(changes, {"a": frozenset({("all", ""), ("campaign", "unknown")})})
    after = shares(changes, {"a": frozenset({("all", ""), ("campaign", "herbst")})})
    rows = tally_changes(before, after)
    assert ("campaign", "herbst", "day", D1, "prospect", 1) in rows
    assert ("campaign", "unknown", "month", D1.replace(day=1), "prospect", -1) in rows
    assert ("campaign", "herbst", "month", D2, "prospect", -1) in rows
    assert not [r for r in rows if r[0] == "all"]  # unchanged groups write nothing
