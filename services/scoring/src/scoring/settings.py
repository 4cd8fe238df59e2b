"""Scoring's one Settings class: SCORING_DATABASE__URL, SCORING_HTTP__PORT, shared LEADFLOW_*."""

from functools import lru_cache

from lead_runtime.settings import DatabaseSettings, HttpSettings, ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCORING_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8002)
    review_interval_seconds: float = 60.0  # how often the decay review looks for due leads


@lru_cache
def get_settings() -> Settings:
    return Settings()
