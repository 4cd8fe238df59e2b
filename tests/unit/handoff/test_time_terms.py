"""Handoff judges a CRM answer's time by the agreement's clock skew, as ingest judges a touchpoint's."""

import shutil
from datetime import timedelta
from pathlib import Path

from handoff.agreement import load_policy

ROOT = Path(__file__).resolve().parents[3]


def a_config(path: Path, agreement: str | None) -> Path:
    path.mkdir()
    shutil.copy(ROOT / "config" / "handoff.yaml", path / "handoff.yaml")
    if agreement is not None:
        (path / "agreement.yaml").write_text(agreement)
    return path


def test_the_clock_skew_for_crm_answers_comes_from_the_agreement(tmp_path):
    one_minute = a_config(tmp_path / "strict", "version: x\nhistory: {clock_skew_minutes: 1}\n")
    assert load_policy(one_minute).clock_skew == timedelta(minutes=1)
    assert load_policy(a_config(tmp_path / "none", None)).clock_skew == timedelta(minutes=5)  # the default
    assert load_policy(ROOT / "config").clock_skew == timedelta(minutes=5)
