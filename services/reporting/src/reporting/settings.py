"""Reporting's one Settings class: REPORTING_DATABASE__URL, REPORTING_HTTP__PORT, shared LEADFLOW_*."""

from functools import lru_cache

from lead_runtime.settings import THROUGHPUT_FETCH, DatabaseSettings, FetchSettings, HttpSettings, ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8005)
    consumer_fetch: FetchSettings = THROUGHPUT_FETCH  # off the latency path: larger batches
    retention_days: float | None = Field(
        None, gt=0, description="Touches that happened longer ago are purged (REPORTING_RETENTION_DAYS; unset: kept for"
        " ever). Funnel, SLA and the by-content slices keep their rollups; attribution for a period that starts before"
        " the cutoff lacks the purged touches' credit and says so (touches_complete). docs/operations.md.",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
