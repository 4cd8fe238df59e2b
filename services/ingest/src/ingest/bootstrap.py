"""Settings -> the ingest app: sources from config/sources.yaml, secrets from settings, limits, the purge worker."""

import logging
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from lead_runtime.config import ConfigError, load_model
from lead_runtime.service import Mode, Runtime, ServiceParts, create_app

from .adapters.deliveries import SqlDeliveries
from .adapters.erasures import SqlErasures
from .api import install_openapi, make_router
from .domain.limits import InFlight, TokenBucket
from .domain.signature import InvalidSecret, parse_secret
from .domain.sources import SourcesConfig
from .ports import Clock, Deliveries, Erasures, LoggedErasures, NoDeliveries
from .sparing import SparingErased
from .privacy_api import make_privacy_router
from .purge import purge_worker
from .settings import Settings
from .webhooks import WebhookSource
from .webhooks_api import WebhookAnswer, make_webhook_router

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _secret_name(key: str) -> str:
    """INGEST_WEBHOOK_SECRETS__WEBSITE_FORM arrives as `website_form`; sources are named `website-form`."""
    return key.strip().lower().replace("_", "-")


def webhook_sources(config: SourcesConfig, settings: Settings) -> dict[str, WebhookSource]:
    """Refuses (ConfigError) a secret for no source, a malformed secret, and a required but missing one."""
    keys: dict[str, list[bytes]] = {}
    problems = []
    for key, secret in settings.webhook_secrets.items():
        name = _secret_name(key)
        if name not in config.sources:
            problems.append(f"INGEST_WEBHOOK_SECRETS__{key.upper()}: no source {name!r} in {settings.sources_file}")
            continue
        try:
            keys[name] = [parse_secret(s) for s in secret.get_secret_value().replace(",", " ").split()]
        except InvalidSecret as exc:
            problems.append(f"INGEST_WEBHOOK_SECRETS__{key.upper()}: {exc}")
    for name, spec in config.sources.items():
        if spec.require_signature and not keys.get(name):
            variable = f"INGEST_WEBHOOK_SECRETS__{name.upper().replace('-', '_')}"
            problems.append(f"source {name!r} requires a signature: set {variable}")
    if problems:
        raise ConfigError("\n".join(problems))
    return {
        name: WebhookSource(name, spec, keys.get(name, []), _bucket(config, name))
        for name, spec in config.sources.items()
    }


def _bucket(config: SourcesConfig, name: str) -> TokenBucket:
    limit = config.limit_of(name)
    return TokenBucket(limit.per_second, limit.burst)


def load_sources(settings: Settings) -> dict[str, WebhookSource]:
    """Invalid sources.yaml or secrets: ConfigError naming the line or the variable."""
    return webhook_sources(load_model(settings.config_dir / settings.sources_file, SourcesConfig), settings)


def make_app(
    settings: Settings, clock: Clock = _utc_now, deliveries: Deliveries | None = None, erasures: Erasures | None = None,
    mode: Mode = "all",
) -> FastAPI:
    config = load_model(settings.config_dir / settings.sources_file, SourcesConfig)  # invalid: refuse to start
    sources = webhook_sources(config, settings)
    unknown = TokenBucket(config.rate_limit.per_second, config.rate_limit.burst)
    in_flight = InFlight(settings.max_in_flight)

    def build(rt: Runtime) -> ServiceParts:
        store = deliveries or (SqlDeliveries(rt.sessions) if rt.sessions is not None else NoDeliveries())
        if rt.sessions is None and deliveries is None:
            log.warning("no INGEST_DATABASE__URL: webhook redeliveries are published again (counted once downstream)")
        retention = timedelta(days=settings.webhook_retention_days)
        workers = [purge_worker(store, retention, settings.purge_interval_seconds, clock)]
        erased = erasures or (SqlErasures(rt.sessions) if rt.sessions is not None else LoggedErasures())
        publisher = SparingErased(rt.publisher, erased)
        return ServiceParts(workers=workers, state={"deliveries": store, "erasures": erased, "publisher": publisher})

    routers = [make_router(settings, in_flight), make_webhook_router(settings, sources, unknown, in_flight, clock),
               make_privacy_router(settings, clock)]
    app = create_app(name="ingest", settings=settings, database=settings.database, build=build, routers=routers,
                     mode=mode, own_body_limit=("/v1/touchpoints", "/v1/webhooks/"))
    install_openapi(app, [WebhookAnswer])
    return app
