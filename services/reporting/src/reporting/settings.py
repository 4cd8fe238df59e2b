"""Reporting's one Settings class: REPORTING_DATABASE__URL, REPORTING_HTTP__PORT, shared LEADFLOW_*."""

from functools import lru_cache

from lead_runtime.settings import THROUGHPUT_FETCH, DatabaseSettings, FetchSettings, HttpSettings, ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8005)
    consumer_fetch: FetchSettings = THROUGHPUT_FETCH  # off the latency path: larger batches


@lru_cache
def get_settings() -> Settings:
    return Settings()
