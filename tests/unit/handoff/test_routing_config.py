"""config/routing.yaml is validated at start-up; errors name the file, line and field."""

from pathlib import Path

import pytest
from lead_runtime.config import ConfigError

from handoff.routing_config import load_routing

CONFIG = Path(__file__).resolve().parents[3] / "config"


def test_the_shipped_routing_file_is_valid_and_expands_regions():
    rules = load_routing(CONFIG)
    dach = next(t for t in rules.territories if t.name == "dach-manufacturing")
    assert dach.countries == {"DE", "AT", "CH"}
    assert rules.named_accounts["grossindustrie.example"] == "rep-jonas-weber"
    assert rules.escalation["dach-industry"]


def test_without_a_routing_file_there_are_no_rules(tmp_path):
    assert load_routing(tmp_path) is None


def test_a_named_account_of_an_unknown_rep_is_refused_with_the_line(tmp_path):
    (tmp_path / "routing.yaml").write_text(
        'version: "1"\nreps:\n  - {id: anna, team: dach}\nnamed_accounts:\n  - {domain: x.example, rep: bob}\n'
    )
    with pytest.raises(ConfigError, match="routing.yaml line 1: .*unknown rep bob"):
        load_routing(tmp_path)


def test_a_negative_weight_is_refused_with_its_line(tmp_path):
    (tmp_path / "routing.yaml").write_text('version: "1"\nreps:\n  - id: anna\n    team: dach\n    weight: -1\n')
    with pytest.raises(ConfigError, match=r"routing.yaml line 5: reps.0.weight"):
        load_routing(tmp_path)


def test_leave_that_ends_before_it_starts_is_refused(tmp_path):
    (tmp_path / "routing.yaml").write_text(
        'version: "1"\nreps:\n  - {id: anna, team: dach, leave: [{from: 2026-12-10, to: 2026-12-01}]}\n'
    )
    with pytest.raises(ConfigError, match="leave ends before it starts"):
        load_routing(tmp_path)
