"""The clock skew ingest allows is the agreement's (config/agreement.yaml, history), unless set."""

from datetime import timedelta
from pathlib import Path

from lead_runtime.settings import KafkaSettings

from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_agreement_sets_the_clock_skew_and_a_setting_overrides_it(tmp_path):
    (tmp_path / "agreement.yaml").write_text("version: x\nhistory: {horizon_days: 30, clock_skew_minutes: 2}\n")
    kafka = KafkaSettings(bootstrap_servers="x:1")
    assert Settings(kafka=kafka, config_dir=tmp_path).clock_skew == timedelta(minutes=2)
    assert Settings(kafka=kafka, config_dir=tmp_path, clock_skew_seconds=30).clock_skew == timedelta(seconds=30)
    assert Settings(kafka=kafka, config_dir=ROOT / "config").clock_skew == timedelta(minutes=5)
    assert Settings(kafka=kafka, config_dir=tmp_path / "none").clock_skew == timedelta(minutes=5)  # no file: the default
