from datetime import timedelta
from pathlib import Path

import pytest
from lead_runtime.config import ConfigError

from handoff.agreement import load_policy

CONFIG = Path(__file__).resolve().parents[3] / "config"


def test_the_shipped_agreement_is_valid_and_says_30_minutes_and_24_hours():
    policy = load_policy(CONFIG)
    assert policy.first_contact_within == timedelta(minutes=30)
    assert policy.hard_limit == timedelta(hours=24)
    assert {"competitor", "never_a_buyer", "invalid", "student", "consultant"} <= policy.disqualifying_reasons
    assert policy.max_attempts == 8
    assert policy.version


def test_settings_override_the_retry_budget():
    assert load_policy(CONFIG, max_attempts=3).max_attempts == 3


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "handoff.yaml").write_text(text)
    return tmp_path


def test_an_invalid_file_names_the_line_and_field(tmp_path):
    folder = write(tmp_path, 'version: "1"\nsla:\n  first_contact_minutes: -5\n  hard_limit_hours: 24\n'
                             "feedback:\n  disqualifying_reasons: [competitor]\n")
    with pytest.raises(ConfigError, match=r"line 3: sla.first_contact_minutes"):
        load_policy(folder)


def test_an_unknown_key_is_refused(tmp_path):
    folder = write(tmp_path, 'version: "1"\nsla:\n  first_contact_minutes: 5\n  hard_limit_hours: 24\n  typo: 1\n'
                             "feedback:\n  disqualifying_reasons: [competitor]\n")
    with pytest.raises(ConfigError, match="sla.typo"):
        load_policy(folder)


def test_reasons_in_the_file_are_normalised(tmp_path):
    folder = write(tmp_path, 'version: "1"\nsla:\n  first_contact_minutes: 5\n  hard_limit_hours: 1\n'
                             'feedback:\n  disqualifying_reasons: ["Never a Buyer"]\n')
    assert load_policy(folder).disqualifying_reasons == {"never_a_buyer"}


def test_a_missing_file_says_where_to_look(tmp_path):
    with pytest.raises(ConfigError, match="LEADFLOW_CONFIG_DIR"):
        load_policy(tmp_path)
