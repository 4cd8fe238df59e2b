"""Small builders for scoring rule tests."""

from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from lead_runtime.config import load_model
from scoring.domain.model import Activity, LeadProfile
from scoring.domain.policy import ScoringPolicy

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


@lru_cache
def sample_policy() -> ScoringPolicy:
    return load_model(ROOT / "config/agreement.yaml", ScoringPolicy)


def a_lead(**overrides) -> LeadProfile:
    """Head of purchasing at an 850-person German manufacturer: a textbook fit."""
    base = LeadProfile(
        email="anna.schmidt@example-industrie.de",
        first_name="Anna",
        last_name="Schmidt",
        job_title="Leiterin Einkauf",
        company_name="Example Industrie GmbH",
        domain="example-industrie.de",
        employees=850,
        industry="manufacturing",
        country="DE",
    )
    return replace(base, **overrides)


def an_activity(type_: str = "webinar_attended", at: datetime = NOW, id_: str = "tp-1", **properties) -> Activity:
    return Activity(touchpoint_id=id_, type=type_, occurred_at=at, properties=properties)
