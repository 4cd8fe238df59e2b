"""The four services as processes against the real broker and database, with a stub CRM."""

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from lead_runtime.settings import KafkaSettings
from lead_runtime.topics import create_topics

from tests.infra import Infra
from tests.processes import SERVICES, ServiceProcess, free_port, service_env
from tests.stubs.crm import CrmStub

LOGS = Path(__file__).resolve().parents[2] / ".run" / "logs" / "e2e"


@dataclass
class Stack:
    kafka: KafkaSettings
    crm: CrmStub
    services: dict[str, ServiceProcess]

    def url(self, name: str) -> str:
        return self.services[name].url


@pytest.fixture(scope="module")
async def stack(infra: Infra, fresh_database):
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_prefix=f"e2e{uuid.uuid4().hex[:8]}.")
    await create_topics(kafka, partitions=3)
    crm = CrmStub().start()
    LOGS.mkdir(parents=True, exist_ok=True)
    extra = {
        "HANDOFF_CRM__URL": crm.url,
        "HANDOFF_CRM__POLL_INTERVAL_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_BASE_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_MAX_SECONDS": "2",
    }
    services = {}
    for name in SERVICES:
        db = (await fresh_database(name)).url.get_secret_value() if name != "ingest" else None
        port = free_port()
        env = service_env(name, infra.kafka_bootstrap, kafka.topic_prefix, port, db, extra)
        services[name] = ServiceProcess(name, env, port, LOGS / f"{kafka.topic_prefix}{name}.log")
    try:
        for process in services.values():
            process.start()
        for process in services.values():
            process.wait_ready()
        yield Stack(kafka, crm, services)
    finally:
        for process in services.values():
            process.stop()
        crm.stop()
