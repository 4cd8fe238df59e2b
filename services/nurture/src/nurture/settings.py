"""The one Settings class of nurture (env prefix NURTURE_, nested with `__`)."""

from functools import lru_cache

from lead_runtime.settings import THROUGHPUT_FETCH, DatabaseSettings, FetchSettings, HttpSettings, ServiceSettings
from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict


class EmailSettings(BaseModel):
    """The optional HTTP push of each step (NURTURE_EMAIL__URL); without a url, steps go to
    `nurture.steps` only."""

    url: str | None = None
    timeout_seconds: float = Field(10.0, gt=0)
    max_attempts: int = Field(8, ge=1)
    backoff_base_seconds: float = Field(2.0, gt=0)
    backoff_max_seconds: float = Field(600.0, gt=0)
    poll_interval_seconds: float = Field(1.0, gt=0)
    batch_size: int = Field(50, ge=1)


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NURTURE_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings
    http: HttpSettings = HttpSettings(port=8003)
    consumer_fetch: FetchSettings = THROUGHPUT_FETCH  # off the latency path: larger batches
    email: EmailSettings = EmailSettings()
    due_check_seconds: float = Field(
        30.0, gt=0, description="How often the worker looks for steps that have become due."
    )
    due_batch_size: int = Field(500, ge=1, description="Leads the worker claims per transaction.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
