"""The one Settings class of handoff (env prefix HANDOFF_, nested with `__`)."""

from functools import lru_cache

from lead_runtime.settings import QUIET_TOPIC_FETCH, DatabaseSettings, FetchSettings, HttpSettings, ServiceSettings
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict


class CrmSettings(BaseModel):
    """Where and how handoffs are pushed (HANDOFF_CRM__URL etc.)."""

    url: str | None = Field(
        None, description="CRM endpoint for the HTTP push; `{handoff_id}` in it is filled in; empty: no push."
    )
    timeout_seconds: float = 5.0
    max_attempts: int | None = Field(None, ge=1, description="Overrides the agreement's retry budget.")
    poll_interval_seconds: float = 1.0
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 600.0
    batch_size: int = 20
    format: Literal["generic", "hubspot", "salesforce"] = Field(
        "generic", description="Payload shape: leadflow's own JSON, a HubSpot contact or a Salesforce Lead."
    )
    method: Literal["POST", "PUT", "PATCH"] = "POST"  # Salesforce upserts by external id with PATCH
    token: SecretStr | None = Field(None, description="Sent as `Authorization: Bearer ...` when set.")
    breaker_failures: int = Field(5, ge=1, description="Failures in a row that open the circuit breaker.")
    breaker_cooldown_seconds: float = 30.0
    breaker_max_cooldown_seconds: float = 600.0

    @field_validator("url")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class SlaWatchSettings(BaseModel):
    """How often the SLA watcher looks for missed follow-up deadlines (HANDOFF_SLA__...)."""

    poll_interval_seconds: float = 5.0
    batch_size: int = 50


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8004)
    crm: CrmSettings = Field(default_factory=CrmSettings)
    sla: SlaWatchSettings = Field(default_factory=SlaWatchSettings)
    consumer_fetch: FetchSettings = QUIET_TOPIC_FETCH  # a few messages a second: each at once, idle cheaply


@lru_cache
def get_settings() -> Settings:
    return Settings()
