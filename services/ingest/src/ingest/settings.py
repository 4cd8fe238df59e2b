"""The one Settings class of ingest (env prefix INGEST_, nested with __)."""

from datetime import timedelta
from functools import lru_cache

from lead_runtime.settings import DatabaseSettings, HttpSettings, ServiceSettings
from lead_runtime.time_terms import load_time_terms
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_", env_nested_delimiter="__", extra="ignore")

    http: HttpSettings = HttpSettings(port=8001)
    # Remembers webhook ids so a redelivery is answered "duplicate" without publishing again.
    # Without it, a redelivery is published again (same event ids, so consumers still count it once).
    database: DatabaseSettings | None = None
    publish_timeout_seconds: float = Field(
        10.0, gt=0, description="How long to wait for Kafka's acknowledgement before answering 503."
    )
    retry_after_seconds: int = Field(5, ge=1, description="Retry-After of a 503 when Kafka is unavailable.")
    max_in_flight: int = Field(
        200, ge=1, description="Requests publishing at once; beyond it ingest answers 503 rather than queue."
    )
    webhook_secrets: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="Per source (INGEST_WEBHOOK_SECRETS__WEBSITE_FORM=whsec_...): one secret, or two"
        " separated by a space while rotating.",
    )
    webhook_retention_days: float = Field(
        7.0, gt=0, description="How long webhook ids are remembered; longer than any sender retries."
    )
    sources_file: str = "sources.yaml"  # in config_dir
    clock_skew_seconds: float | None = Field(
        None, ge=0, description="How far a touchpoint's occurred_at may lie ahead of ingest's clock; beyond, 422."
        " Unset: the agreement's history.clock_skew_minutes (config/agreement.yaml, 5)."
    )

    @property
    def clock_skew(self) -> timedelta:
        if self.clock_skew_seconds is not None:
            return timedelta(seconds=self.clock_skew_seconds)
        return load_time_terms(self.config_dir).clock_skew


@lru_cache
def get_settings() -> Settings:
    return Settings()
