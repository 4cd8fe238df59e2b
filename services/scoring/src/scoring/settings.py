"""Scoring's one Settings class: SCORING_DATABASE__URL, SCORING_HTTP__PORT, shared LEADFLOW_*."""

from functools import lru_cache

from lead_runtime.settings import DatabaseSettings, HttpSettings, ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORING_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8002)
    review_interval_seconds: float = 60.0  # how often the decay review looks for due leads
    retention_days: float | None = Field(
        None, ge=365, description="Touchpoints and score lines that happened longer ago are purged (SCORING_RETENTION_DAYS;"
        " unset: kept for ever; at least 365, so a cap's period and a late touchpoint's lie inside what is kept; 730"
        " recommended: a line's engagement has halved 24 times by then). A lead keeps its"
        " running score and its profile; its explanation, ledger and re-scores read what remains. docs/operations.md.",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
