"""Where the real broker and database come from, in this order:
1. LEADFLOW_TEST_KAFKA (bootstrap) and LEADFLOW_TEST_PG_URL (an admin URL to the `postgres` db);
2. testcontainers, when a Docker engine answers;
3. the local stack (`deploy/stack.sh infra-up`: Kafka from Maven Central, Debian's PostgreSQL).
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    pg_admin_url: str  # postgresql://user:pw@host:port/postgres (plain libpq form)
    cleanup: object = None


def _docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


def _from_testcontainers() -> Infra:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = KafkaContainer("apache/kafka:3.9.1").with_kraft()
    pg = PostgresContainer("postgres:15", username="leadflow", password="leadflow", dbname="postgres")
    kafka.start()
    pg.start()
    url = f"postgresql://leadflow:leadflow@{pg.get_container_host_ip()}:{pg.get_exposed_port(5432)}/postgres"

    def stop() -> None:
        kafka.stop()
        pg.stop()

    return Infra(kafka.get_bootstrap_server(), url, stop)


def _from_local_stack() -> Infra:
    subprocess.run(["bash", str(ROOT / "deploy/stack.sh"), "infra-up"], check=True, cwd=ROOT)
    kafka_port = os.environ.get("LEADFLOW_KAFKA_PORT", "9092")
    pg_port = os.environ.get("LEADFLOW_PG_PORT", "5432")
    return Infra(f"127.0.0.1:{kafka_port}", f"postgresql://leadflow:leadflow@127.0.0.1:{pg_port}/postgres")


def acquire() -> Infra:
    if os.environ.get("LEADFLOW_TEST_KAFKA") and os.environ.get("LEADFLOW_TEST_PG_URL"):
        return Infra(os.environ["LEADFLOW_TEST_KAFKA"], os.environ["LEADFLOW_TEST_PG_URL"])
    if _docker_answers():
        return _from_testcontainers()
    return _from_local_stack()
