"""The benchmark's own deployment: fresh databases, a unique topic prefix, the four services as
processes and an in-process CRM stub; and the clean-up of all of it (`Resources.release`).

Like the e2e suite (tests/e2e/conftest.py), but the databases are created and dropped here.
"""

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from lead_runtime.migrate import upgrade
from lead_runtime.settings import KafkaSettings
from lead_runtime.topics import create_topics

from tests.processes import SERVICES, ServiceProcess, free_port, service_env
from tests.stubs.crm import CrmStub

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".run" / "logs" / "bench"
DATABASES = ("ingest", "scoring", "nurture", "handoff", "reporting")
# Consumer groups of the services (without the prefix) and the topics each reads.
GROUPS = {
    "scoring": ("touchpoints", "lead.lifecycle"),
    "nurture": ("lead.lifecycle", "touchpoints"),
    "handoff": ("lead.lifecycle", "crm.feedback"),
    "reporting": ("lead.lifecycle", "touchpoints", "handoff.leads", "crm.feedback"),
}


@dataclass
class Resources:
    """Everything the run created, so that `release` removes exactly that, whatever failed when."""

    kafka: KafkaSettings
    pg_admin_url: str
    databases: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    crm: CrmStub | None = None

    def db_url(self, name: str) -> str:
        base = self.pg_admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        return f"{base}/{name}"

    async def release(self, say) -> None:
        if self.services:
            say(f"stopping {len(self.services)} service processes")
            await asyncio.gather(*(asyncio.to_thread(p.stop) for p in self.services.values()),
                                 return_exceptions=True)
        if self.crm is not None:
            await asyncio.to_thread(self.crm.stop)
            self.crm = None
        if self.databases:
            say(f"dropping databases {', '.join(self.databases)}")
            try:
                admin = await asyncpg.connect(self.pg_admin_url)
                try:
                    for name in list(self.databases):
                        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                        self.databases.remove(name)
                finally:
                    await admin.close()
            except Exception as exc:  # keep cleaning up the rest
                say(f"WARNING: could not drop {self.databases}: {exc!r}")
        await self._delete_topics(say)

    async def _delete_topics(self, say) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka.bootstrap_servers)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            # The prefix carries this run's id, so everything under it is ours.
            ours = sorted({t for t in existing if t.startswith(self.kafka.topic_prefix)} | (set(self.topics) & existing))
            if ours:
                say(f"deleting {len(ours)} topics {self.kafka.topic_prefix}*")
                await admin.delete_topics(ours)
            self.topics.clear()
        except Exception as exc:
            say(f"WARNING: could not delete topics {self.kafka.topic_prefix}*: {exc!r}")
        finally:
            await admin.close()


async def create_database(res: Resources, name: str, package: str) -> str:
    admin = await asyncpg.connect(res.pg_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    res.databases.append(name)
    url = res.db_url(name)
    await asyncio.to_thread(upgrade, package, url)
    return url


async def stored_bytes(url: str) -> int:
    """What a database's own tables take on disk: rows, indexes and TOAST (not the catalogs)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return await conn.fetchval("""
            SELECT coalesce(sum(pg_total_relation_size(oid)), 0)::bigint FROM pg_class
            WHERE relkind IN ('r', 'p') AND relnamespace = current_schema()::regnamespace""")
    finally:
        await conn.close()


async def start_services(res: Resources, run_id: str, partitions: int, handoff_poll: float | None, say) -> None:
    """Topics, databases, CRM stub and the four services; each recorded in `res` as it appears."""
    created = await create_topics(res.kafka, partitions=partitions)
    res.topics.extend(created)
    say(f"created {len(created)} topics {res.kafka.topic_prefix}* with {partitions} partitions")
    urls = {}
    for package in DATABASES:
        urls[package] = await create_database(res, f"bench_{package}_{run_id}", package)
    say(f"created and migrated databases {', '.join(res.databases)}")
    res.crm = CrmStub().start()
    LOGS.mkdir(parents=True, exist_ok=True)
    extra = {
        "HANDOFF_CRM__URL": res.crm.url,
        "HANDOFF_CRM__BACKOFF_BASE_SECONDS": "0.2",
        "HANDOFF_CRM__BACKOFF_MAX_SECONDS": "2",
    }
    if handoff_poll is not None:
        extra["HANDOFF_CRM__POLL_INTERVAL_SECONDS"] = str(handoff_poll)
    for name in SERVICES:
        port = free_port()
        env = service_env(name, res.kafka.bootstrap_servers, res.kafka.topic_prefix, port, urls.get(name), extra)
        res.services[name] = ServiceProcess(name, env, port, LOGS / f"{res.kafka.topic_prefix}{name}.log")
    for process in res.services.values():
        process.start()
    for process in res.services.values():
        await asyncio.to_thread(process.wait_ready, 90)
    say("services ready: " + ", ".join(f"{n} :{p.port} (pid {p.process.pid})" for n, p in res.services.items()))


async def consumer_lag(kafka: KafkaSettings) -> dict[str, int]:
    """Messages each service's consumer group has not yet committed, per group."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    probe = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=None)
    await admin.start()
    await probe.start()
    try:
        lag = {}
        for group, topics in GROUPS.items():
            committed = await admin.list_consumer_group_offsets(kafka.topic_prefix + group)
            partitions = [TopicPartition(kafka.topic(t), p)
                          for t in topics for p in (probe.partitions_for_topic(kafka.topic(t)) or ())]
            if not partitions:
                await probe.topics()  # load metadata once, then ask again
                partitions = [TopicPartition(kafka.topic(t), p)
                              for t in topics for p in (probe.partitions_for_topic(kafka.topic(t)) or ())]
            ends = await probe.end_offsets(partitions)
            lag[group] = sum(max(end - (committed[tp].offset if tp in committed else 0), 0) for tp, end in ends.items())
        return lag
    finally:
        await probe.stop()
        await admin.close()


# --- CPU accounting from /proc (read only) -------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(ppid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == ppid:
                found.append(int(entry.name))
    return found


def _pid_from(path: Path, must_contain: str) -> int | None:
    try:
        pid = int(path.read_text().split()[0])
        if must_contain in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
            return pid
    except (OSError, ValueError, IndexError):
        pass
    return None


def infra_pids() -> dict[str, int]:
    """The local stack's Kafka and PostgreSQL, when they run from .run/ (deploy/stack.sh)."""
    pids = {}
    if (kafka := _pid_from(ROOT / ".run/pids/kafka.pid", "kafka.Kafka")) is not None:
        pids["kafka"] = kafka
    if (pg := _pid_from(ROOT / ".run/pg/data/postmaster.pid", "postgres")) is not None:
        pids["postgres"] = pg
    return pids


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU seconds per component between `start()` and `stop()`, as % of one core, and the
    machine's busy share. PostgreSQL counts the postmaster and all its backends (also other
    users' backends: the server is shared)."""

    def __init__(self, components: dict[str, int]) -> None:
        self.components = components

    def _sample(self) -> dict[str, float]:
        out = {}
        for name, pid in self.components.items():
            if name == "postgres":
                out[name] = _proc_cpu(pid) + sum(_proc_cpu(c) for c in _children(pid))
            else:
                out[name] = _proc_cpu(pid)
        return out

    def start(self) -> None:
        self._t0 = asyncio.get_running_loop().time()
        self._s0 = self._sample()
        self._m0 = _machine_ticks()

    def stop(self) -> dict:
        elapsed = asyncio.get_running_loop().time() - self._t0
        s1, m1 = self._sample(), _machine_ticks()
        busy = (m1[0] - self._m0[0]) / max(m1[1] - self._m0[1], 1)
        per = {n: round(100 * (s1[n] - self._s0.get(n, 0.0)) / elapsed, 1) for n in s1}
        return {"seconds": round(elapsed, 2), "percent_of_one_core": per, "machine_busy_percent": round(100 * busy, 1)}
