"""Per-source token buckets answer 429 with Retry-After; time is the test's clock, never the wall's."""

import shutil
from pathlib import Path

import pytest
import yaml
from lead_runtime.config import ConfigError
from lead_runtime.settings import KafkaSettings
from pydantic import SecretStr

from ingest.bootstrap import make_app
from ingest.settings import Settings

from .examples import FORM, ZOOM_LEFT
from .fakes import client_for

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "config" / "sources.yaml", tmp_path / "sources.yaml")
    doc = yaml.safe_load((tmp_path / "sources.yaml").read_text())
    doc["sources"]["website-form"]["rate_limit"] = {"per_second": 0.5, "burst": 2}
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(doc))
    return tmp_path


async def test_a_source_over_its_rate_limit_gets_429_with_retry_after_until_tokens_return(
    publisher, deliveries, clock, config_dir
):
    async with client_for(publisher, deliveries, clock, config_dir=config_dir) as client:
        post = lambda i: client.post("/v1/webhooks/website-form", json=FORM | {"submission_id": f"s-{i}"})  # noqa: E731
        assert [(await post(i)).status_code for i in range(2)] == [202, 202]
        limited = await post(2)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
        assert limited.headers["content-type"] == "application/problem+json"
        assert (await client.post("/v1/webhooks/webinars", json=ZOOM_LEFT)).status_code == 202  # its own bucket
        clock.advance(seconds=2)
        assert (await post(3)).status_code == 202
    assert len(publisher.on("touchpoints")) == 4 and publisher.on("touchpoints.rejected") == []


def _settings(config_dir: Path, **overrides: object) -> Settings:
    return Settings(kafka=KafkaSettings(bootstrap_servers="unused:9092"), config_dir=config_dir, **overrides)


def test_a_secret_for_a_source_that_does_not_exist_stops_the_start(config_dir):
    with pytest.raises(ConfigError, match="no source 'website-from'"):
        make_app(_settings(config_dir, webhook_secrets={"website_from": SecretStr("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")}))


def test_a_malformed_secret_stops_the_start_without_showing_it(config_dir):
    with pytest.raises(ConfigError) as caught:
        make_app(_settings(config_dir, webhook_secrets={"webinars": SecretStr("hunter2hunter2!")}))
    assert "hunter2" not in str(caught.value)


def test_a_source_that_requires_a_signature_needs_a_secret(config_dir):
    doc = yaml.safe_load((config_dir / "sources.yaml").read_text())
    doc["sources"]["webinars"]["require_signature"] = True
    (config_dir / "sources.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(ConfigError, match="INGEST_WEBHOOK_SECRETS__WEBINARS"):
        make_app(_settings(config_dir))


def test_an_invalid_sources_file_stops_the_start_naming_the_line(config_dir):
    (config_dir / "sources.yaml").write_text("version: 1\nsources:\n  web:\n    adapter: fax\n")
    with pytest.raises(ConfigError, match="line 4"):
        make_app(_settings(config_dir))


def test_secrets_come_from_one_variable_per_source(monkeypatch):
    monkeypatch.setenv("INGEST_WEBHOOK_SECRETS__WEBSITE_FORM", "whsec_a whsec_b")
    monkeypatch.setenv("LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "unused:9092")
    secrets = Settings().webhook_secrets
    assert {k: v.get_secret_value() for k, v in secrets.items()} == {"website_form": "whsec_a whsec_b"}
