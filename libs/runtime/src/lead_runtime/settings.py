"""Settings shared by every service; each service adds its own `Settings` on top."""

import os
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    """Shared by all services: LEADFLOW_KAFKA__BOOTSTRAP_SERVERS, LEADFLOW_KAFKA__TOPIC_PREFIX."""

    model_config = SettingsConfigDict(env_prefix="LEADFLOW_KAFKA__", extra="ignore")

    bootstrap_servers: str
    topic_prefix: str = ""
    # Static group membership (KIP-345): a name unique to this process that it keeps across
    # restarts (a StatefulSet pod's name). A member restarted within `session_timeout_ms` gets its
    # partitions back without a rebalance, so the rest of the group never stops; one that stays
    # away has its partitions moved after that timeout (a static member does not leave a group).
    instance_id: str | None = Field(None, min_length=1, max_length=200)
    session_timeout_ms: int = Field(10_000, ge=6_000, le=300_000)

    def topic(self, name: str) -> str:
        return self.topic_prefix + name


class FetchSettings(BaseModel):
    """How long a consumer's fetch waits for more messages (chosen by `make bench`): under a steady
    stream a batch then holds several messages for the same fixed count of statements, so the
    whole system keeps up with more (phase 3b: 200 new leads/s went from p99 2.8 s to 0.8 s to the
    score), at up to `max_wait_ms` more latency per hop when traffic is light."""

    min_bytes: int = Field(65_536, ge=1)
    max_wait_ms: int = Field(25, ge=0, le=500)


# For a consumer off the path a person waits on (nurture, reporting): a fetch waits up to a
# quarter second for a megabyte, so under load its batches hold hundreds of messages, whose fixed
# count of statements then costs a fraction of what batches of twenty do (measured: nurture 516
# µs of CPU per touchpoint in batches of 20, 175 in batches of 500), and the CPU goes to scoring.
THROUGHPUT_FETCH = FetchSettings(min_bytes=1_048_576, max_wait_ms=250)

# For a consumer of a quiet topic on the path a person waits on (handoff: changes of stage, CRM
# answers): a fetch returns with the first message, and an idle one asks twice a second instead of
# forty times (measured idle: handoff 4.2 % of a core, most of it fetch requests).
QUIET_TOPIC_FETCH = FetchSettings(min_bytes=1, max_wait_ms=500)


class DatabaseSettings(BaseModel):
    url: SecretStr = Field(description="postgresql+asyncpg://user:password@host:port/db")
    pool_size: int = 10
    # Bounded waits: a database that does not answer fails a connect or a checkout in seconds
    # (an error the caller handles), never a wait that someone else has to cancel.
    connect_timeout_seconds: float = Field(5.0, gt=0)
    pool_timeout_seconds: float = Field(10.0, gt=0)


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int
    max_body_bytes: int = 1_000_000


def default_config_dir() -> Path:
    return Path(os.environ.get("LEADFLOW_CONFIG_DIR", "config"))


class ServiceSettings(BaseSettings):
    """Base of each service's one Settings class; the subclass sets `env_prefix`."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    http: HttpSettings
    config_dir: Path = Field(default_factory=default_config_dir)
    consumer_batch_size: int = Field(1000, ge=1)  # records per poll, applied in one transaction
    consumer_fetch: FetchSettings = FetchSettings()
    # how often consumer lag is sampled for /metrics, and how long a consumer may sit on waiting
    # messages without committing before it counts as stalled (not ready)
    lag_interval_seconds: float = Field(15.0, gt=0)
    stall_seconds: float = Field(60.0, gt=0)
    # a handler call that takes longer has its message dead-lettered (lead_runtime.budget), so no
    # message can wedge a consumer; generous next to the usual milliseconds
    handler_budget_seconds: float = Field(5.0, gt=0)
    # How long a consuming service remembers the ids of the events it applied (processed_events,
    # one row per consumed event: its largest table). A copy of an event arriving later is applied
    # again, so this must exceed the longest a copy can arrive after the first: the consumed topics'
    # retention (a group rewound to the earliest offset re-reads that far; the broker default of 7
    # days, the topics set none), the longest a message waits in a `<topic>.dlq` before it is sent
    # again (that topic's retention, the same 7 days) and a sender's retries (ingest remembers
    # webhook ids for INGEST_WEBHOOK_RETENTION_DAYS, 7). docs/operations.md, Retention.
    dedup_retention_days: float = Field(30.0, gt=0)
    # how often the purges run (old processed event ids; ingest's webhook ids; the tables a
    # service's retention_days prunes)
    purge_interval_seconds: float = Field(3600.0, gt=0)
