"""A stack of the four services for the fault drills: short lag sampling and stall windows, a CRM
timeout short enough that a hanging CRM costs seconds, and logs under .run/logs/faults/."""

import uuid
from pathlib import Path

import pytest
from lead_runtime.settings import KafkaSettings
from lead_runtime.topics import create_topics, delete_topics

from tests.e2e.conftest import Stack, quick_agreement
from tests.infra import Infra
from tests.processes import SERVICES, ServiceProcess, free_port, service_env
from tests.stubs.crm import CrmStub

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / ".run" / "logs" / "faults"


def drill_env(crm: CrmStub, config_dir: Path) -> dict[str, str]:
    env = {
        "HANDOFF_CRM__URL": crm.url,
        "HANDOFF_CRM__TIMEOUT_SECONDS": "1",
        "HANDOFF_CRM__POLL_INTERVAL_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_BASE_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_MAX_SECONDS": "1",
        "LEADFLOW_CONFIG_DIR": str(config_dir),
    }
    for name in SERVICES:
        env[f"{name.upper()}_LAG_INTERVAL_SECONDS"] = "1"
        env[f"{name.upper()}_STALL_SECONDS"] = "20"
    return env


async def build_stack(kafka_bootstrap: str, database_for, config_dir: Path, crm: CrmStub) -> Stack:
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap, topic_prefix=f"f{uuid.uuid4().hex[:8]}.")
    await create_topics(kafka, partitions=3)
    LOGS.mkdir(parents=True, exist_ok=True)
    extra = drill_env(crm, config_dir)
    services = {}
    for name in SERVICES:
        db = (await database_for(name)).url.get_secret_value()
        port = free_port()
        env = service_env(name, kafka_bootstrap, kafka.topic_prefix, port, db, extra)
        services[name] = ServiceProcess(name, env, port, LOGS / f"{kafka.topic_prefix}{name}.log")
    return Stack(kafka, crm, services)


def start_all(stack: Stack) -> None:
    for process in stack.services.values():
        process.start()
    for process in stack.services.values():
        process.wait_ready(90)


def stop_all(stack: Stack) -> None:
    for process in stack.services.values():
        process.stop()


@pytest.fixture(scope="module")
async def drill_stack(infra: Infra, fresh_database, tmp_path_factory):
    crm = CrmStub().start()
    stack = await build_stack(infra.kafka_bootstrap, fresh_database,
                              quick_agreement(tmp_path_factory.mktemp("config")), crm)
    try:
        start_all(stack)
        yield stack
    finally:
        stop_all(stack)
        crm.stop()
        await delete_topics(stack.kafka)
