"""The one Settings class of ingest (env prefix INGEST_, nested with __)."""

from functools import lru_cache

from lead_runtime.settings import HttpSettings, ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_", env_nested_delimiter="__", extra="ignore")

    http: HttpSettings = HttpSettings(port=8001)
    publish_timeout_seconds: float = Field(
        10.0, gt=0, description="How long to wait for Kafka's acknowledgement before answering 503."
    )
    retry_after_seconds: int = Field(5, ge=1, description="Retry-After of a 503 when Kafka is unavailable.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
