"""The one Settings class of handoff (env prefix HANDOFF_, nested with `__`)."""

from functools import lru_cache

from lead_runtime.settings import DatabaseSettings, HttpSettings, ServiceSettings
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import SettingsConfigDict


class CrmSettings(BaseModel):
    """Where and how handoffs are pushed (HANDOFF_CRM__URL etc.)."""

    url: str | None = Field(None, description="CRM endpoint for the HTTP push; empty means no push.")
    timeout_seconds: float = 5.0
    max_attempts: int | None = Field(None, ge=1, description="Overrides the agreement's retry budget.")
    poll_interval_seconds: float = 1.0
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 600.0
    batch_size: int = 20

    @field_validator("url")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8004)
    crm: CrmSettings = Field(default_factory=CrmSettings)


@lru_cache
def get_settings() -> Settings:
    return Settings()
