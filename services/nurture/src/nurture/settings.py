"""The one Settings class of nurture (env prefix NURTURE_, nested with `__`)."""

from functools import lru_cache

from lead_runtime.settings import DatabaseSettings, HttpSettings, ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NURTURE_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8003)
    due_check_seconds: float = Field(
        30.0, gt=0, description="How often the worker looks for steps that have become due."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
