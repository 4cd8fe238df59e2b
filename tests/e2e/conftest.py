"""The four services as processes against the real broker and database, with a stub CRM."""

import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from lead_runtime.settings import KafkaSettings
from lead_runtime.topics import create_topics, delete_topics

from tests.infra import Infra
from tests.processes import SERVICES, ServiceProcess, free_port, service_env
from tests.stubs.crm import CrmStub

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / ".run" / "logs" / "e2e"


def quick_agreement(target: Path) -> Path:
    """The sample agreement with days shortened to nothing, so a journey runs in seconds."""
    shutil.copytree(ROOT / "config", target, dirs_exist_ok=True)
    nurture = yaml.safe_load((target / "nurture.yaml").read_text())
    nurture["contact_limits"] = {"max_steps_per_week": 14, "min_gap_hours": 0}
    nurture["consent"] = {"double_opt_in": "not_required"}  # test touchpoints carry no confirmation
    nurture.pop("quiet_hours", None)  # a journey must not wait for the morning
    (target / "nurture.yaml").write_text(yaml.safe_dump(nurture, allow_unicode=True))
    return target


@dataclass
class Stack:
    kafka: KafkaSettings
    crm: CrmStub
    services: dict[str, ServiceProcess]
    databases: dict[str, str] = field(default_factory=dict)  # service -> its database URL (asyncpg form)

    def url(self, name: str) -> str:
        return self.services[name].url


@pytest.fixture(scope="module")
async def stack(infra: Infra, fresh_database, tmp_path_factory):
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_prefix=f"e2e{uuid.uuid4().hex[:8]}.")
    await create_topics(kafka, partitions=3)
    crm = CrmStub().start()
    LOGS.mkdir(parents=True, exist_ok=True)
    extra = {
        "HANDOFF_CRM__URL": crm.url,
        "HANDOFF_CRM__POLL_INTERVAL_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_BASE_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_MAX_SECONDS": "2",
        "LEADFLOW_CONFIG_DIR": str(quick_agreement(tmp_path_factory.mktemp("config"))),
    }
    services, databases = {}, {}
    for name in SERVICES:
        db = databases[name] = (await fresh_database(name)).url.get_secret_value()
        port = free_port()
        env = service_env(name, infra.kafka_bootstrap, kafka.topic_prefix, port, db, extra)
        services[name] = ServiceProcess(name, env, port, LOGS / f"{kafka.topic_prefix}{name}.log")
    try:
        for process in services.values():
            process.start()
        for process in services.values():
            process.wait_ready()
        yield Stack(kafka, crm, services, databases)
    finally:
        for process in services.values():
            process.stop()
        crm.stop()
        await delete_topics(kafka)
