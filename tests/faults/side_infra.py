"""The drills' own Kafka and PostgreSQL (tests/faults/side_infra.sh), on free ports, which the
drills may stop and start; the shared ones on the default ports are never touched."""

import asyncio
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from lead_runtime.migrate import upgrade
from lead_runtime.settings import DatabaseSettings

from tests.processes import free_port

SCRIPT = Path(__file__).with_name("side_infra.sh")


@dataclass
class SideInfra:
    kafka_port: int
    controller_port: int
    pg_port: int

    @classmethod
    def on_free_ports(cls) -> "SideInfra":
        return cls(free_port(), free_port(), free_port())

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def pg_admin_url(self) -> str:
        return f"postgresql://leadflow:leadflow@127.0.0.1:{self.pg_port}/postgres"

    def run(self, command: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEADFLOW_")}
        env.update(LEADFLOW_KAFKA_PORT=str(self.kafka_port), LEADFLOW_KAFKA_CONTROLLER_PORT=str(self.controller_port),
                   LEADFLOW_PG_PORT=str(self.pg_port))
        done = subprocess.run(["bash", str(SCRIPT), command], env=env, capture_output=True, text=True, timeout=150)
        if done.returncode:
            raise RuntimeError(f"side_infra.sh {command} failed:\n{done.stdout}\n{done.stderr}")

    async def database_for(self, package: str) -> DatabaseSettings:
        name = f"f_{package}_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(self.pg_admin_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        url = f"postgresql+asyncpg://leadflow:leadflow@127.0.0.1:{self.pg_port}/{name}"
        await asyncio.to_thread(upgrade, package, url)
        return DatabaseSettings(url=url, pool_size=5)
