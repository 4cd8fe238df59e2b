"""leadflow benchmark: `python -m tools.bench` (or `make bench`). See docs/benchmark.md.

One run, four figures:
 1. raw Kafka: produce+consume throughput of touchpoint-sized events (aiokafka, acks=all, idempotent);
 2. end to end: touchpoints/s from `POST /v1/touchpoints` until scoring's `lead.scored` is on Kafka,
    and its ratio to (1);
 3. latency p50/p95/p99 from ingest's 202 to the score update and to the CRM receiving the handoff;
 4. the machine. Printed as a table and written to .run/bench/last.json.

It starts its own copy of the four services (fresh databases, a unique topic prefix, an in-process
CRM stub) against the running Kafka and PostgreSQL (`bash deploy/stack.sh infra-up`), and removes
all of it at the end, also on Ctrl-C or error. It never touches the infrastructure itself.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from lead_runtime.settings import KafkaSettings
from prometheus_client.parser import text_string_to_metric_families

from tools.bench_data import a_contact, a_touchpoint, encoded_as_ingest_would, lead_id_of, mixed_touchpoints
from tools.bench_raw import create_topic, run_raw
from tools.bench_alone import phase_scoring_alone
from tools.bench_history import phase_history
from tools.bench_scale import phase_at_scale
from tools.bench_shadow import phase_shadow
from tools.bench_stack import (
    DATABASES, ROOT, LOGS, CpuMeter, Resources, consumer_lag, infra_pids, start_services, stored_bytes,
)
from tools.bench_stats import human_bytes, per_touchpoint, percentiles

OUT = ROOT / ".run" / "bench" / "last.json"
_T0 = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - _T0:6.1f}s] {message}", flush=True)


# --- observing scoring's output ----------------------------------------------------------------


@dataclass
class Scored:
    seen_at: float  # time.time() when the benchmark's consumer got it
    recorded_at: float  # the event's recorded_at (set by scoring when it computed the score)
    stage: str


@dataclass
class ScoreObserver:
    """Reads the prefixed `lead.scores` from the start; keeps the first LeadScored per touchpoint."""

    kafka: KafkaSettings
    seen: dict[str, Scored] = field(default_factory=dict)

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            self.kafka.topic("lead.scores"), bootstrap_servers=self.kafka.bootstrap_servers,
            group_id=self.kafka.topic_prefix + "bench-observer", auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await self._consumer.start()
        while not self._consumer.assignment():
            await asyncio.sleep(0.02)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=100, max_records=2000)
            now = time.time()
            for records in batch.values():
                for record in records:
                    doc = json.loads(record.value)
                    if doc.get("event_type") != "lead.scored":
                        continue
                    touchpoint = doc["data"].get("touchpoint_id")
                    if touchpoint and touchpoint not in self.seen:
                        recorded = datetime.fromisoformat(doc["recorded_at"]).timestamp()
                        self.seen[touchpoint] = Scored(now, recorded, doc["data"]["stage"])

    async def stop(self) -> None:
        if getattr(self, "_task", None) is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if getattr(self, "_consumer", None) is not None:
            await self._consumer.stop()

    def count(self, ids) -> int:
        return sum(1 for i in ids if i in self.seen)


# --- posting to ingest -------------------------------------------------------------------------


@dataclass
class Posting:
    accepted: dict[str, float] = field(default_factory=dict)  # event id -> time.time() of its 202
    posted: dict[str, float] = field(default_factory=dict)  # event id -> time.time() its POST began
    lead_of: dict[str, str] = field(default_factory=dict)  # event id -> lead id
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    retried_503: int = 0
    retried_transport: int = 0


async def post_one(client: httpx.AsyncClient, url: str, body: dict, posting: Posting, due: float | None = None) -> None:
    """`due`: when the sender meant to send it (a paced phase), else when the POST began."""
    for _ in range(5):
        began = due or time.time()
        try:
            response = await client.post(url, json=body)
        except httpx.TransportError as exc:  # a kept-alive connection closed under us: send again, as senders do
            posting.retried_transport += 1
            posting.errors.append(repr(exc)) if posting.retried_transport > 20 else None
            continue
        posting.requests += 1
        if response.status_code == 202:
            at = time.time()
            doc = response.json()
            for event_id, lead_id in zip(doc["event_ids"], doc["lead_ids"], strict=True):
                posting.posted[event_id] = began
                posting.accepted[event_id] = at
                posting.lead_of[event_id] = lead_id
            return
        if response.status_code == 503:
            posting.retried_503 += 1
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            continue
        posting.errors.append(f"{response.status_code}: {response.text[:300]}")
        return
    posting.errors.append("503 five times in a row")


async def post_batches(url: str, batches: list[list[dict]], clients: int, posting: Posting) -> None:
    queue: asyncio.Queue[list[dict]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def client_loop() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            while not queue.empty():
                batch = queue.get_nowait()
                body = {"touchpoints": batch} if len(batch) > 1 else batch[0]
                try:
                    await post_one(client, url, body, posting)
                except httpx.HTTPError as exc:
                    posting.errors.append(repr(exc))

    await asyncio.gather(*(client_loop() for _ in range(clients)))


def batched(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


async def wait_scored(observer: ScoreObserver, posting: Posting, expected: int, posting_task: asyncio.Task | None,
                      timeout: float, label: str, t0: float) -> bool:
    """Until every accepted touchpoint was scored (and posting is over); progress every 2 s."""
    deadline = time.monotonic() + timeout
    next_report = time.monotonic() + 2
    while True:
        done_posting = posting_task is None or posting_task.done()
        scored = observer.count(posting.accepted)
        if done_posting and scored >= len(posting.accepted):
            if posting_task is not None:
                posting_task.result()  # raise what the posting raised
            return True
        if time.monotonic() > deadline:
            say(f"{label}: TIMEOUT after {timeout:.0f} s: scored {scored:,} of {len(posting.accepted):,} accepted")
            return False
        if time.monotonic() >= next_report:
            elapsed = time.time() - t0
            say(f"{label}: accepted {len(posting.accepted):,}/{expected:,}, scored {scored:,}"
                f" ({scored / elapsed:,.0f}/s so far)")
            next_report += 2
        await asyncio.sleep(0.05)


async def scoring_metrics(url: str) -> dict:
    """Scoring's batch counters from /metrics: batches with touchpoints, their seconds, touchpoints applied."""
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    out = {"batches": 0.0, "batch_seconds": 0.0, "applied": 0.0}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == "leadflow_batch_processing_seconds_count" and s.labels.get("group") == "scoring":
                out["batches"] += s.value
            elif s.name == "leadflow_batch_processing_seconds_sum" and s.labels.get("group") == "scoring":
                out["batch_seconds"] += s.value
            elif (s.name == "leadflow_events_processed_total" and s.labels.get("topic") == "touchpoints"
                  and s.labels.get("outcome") == "applied"):
                out["applied"] += s.value
    return out


async def loop_health(res: Resources) -> dict:
    """Per service: the worst event-loop lag since start (ms) and the consumer rebalances counted."""
    out: dict = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for name, service in res.services.items():
            try:
                text = (await client.get(f"{service.url}/metrics")).text
            except httpx.HTTPError:
                continue
            lag, rebalances = None, 0.0
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    if s.name == "leadflow_event_loop_lag_max_seconds":
                        lag = s.value
                    elif s.name == "leadflow_consumer_rebalances_total":
                        rebalances += s.value
            out[name] = {"max_event_loop_lag_ms": None if lag is None else round(lag * 1000, 1),
                         "rebalances": int(rebalances)}
    return out


# --- the phases --------------------------------------------------------------------------------


async def phase_raw(args, res: Resources, rng: random.Random, run_id: str) -> dict:
    say(f"phase 1: raw Kafka baseline, {args.kafka_messages:,} messages, {args.partitions} partitions")
    topic = res.kafka.topic("bench.raw")
    await create_topic(res.kafka, topic, args.partitions)
    res.topics.append(topic)
    pool = min(args.kafka_messages, 2000)
    bodies = mixed_touchpoints(rng, f"{run_id}raw", pool, max(pool // 6, 1))
    messages = [encoded_as_ingest_would(b) for b in bodies]
    result = await run_raw(res.kafka, topic, messages, args.kafka_messages, args.raw_consumer, say, args.timeout)
    say(f"raw: {result['msgs_per_s']:,} msg/s, {result['mb_per_s']} MB/s "
        f"({result['messages']:,} x {result['avg_message_bytes']} B in {result['seconds']} s)")
    return result


async def phase_throughput(args, res: Resources, observer: ScoreObserver, rng: random.Random, run_id: str,
                           cpu: CpuMeter, raw_rate: float | None) -> dict:
    url = f"{res.services['ingest'].url}/v1/touchpoints"
    if args.warmup:
        say(f"warm-up: {args.warmup} touchpoints (not counted)")
        warm = Posting()
        bodies = mixed_touchpoints(rng, f"{run_id}w", args.warmup, max(args.warmup // 5, 1))
        t0 = time.time()
        await post_batches(url, batched(bodies, args.batch), args.clients, warm)
        await wait_scored(observer, warm, args.warmup, None, args.timeout, "warm-up", t0)

    say(f"phase 2: end to end, {args.touchpoints:,} touchpoints across {args.leads:,} leads,"
        f" batches of {args.batch}, {args.clients} concurrent clients")
    bodies = mixed_touchpoints(rng, run_id, args.touchpoints, args.leads)
    batches = batched(bodies, args.batch)
    before = await scoring_metrics(res.services["scoring"].url)
    posting = Posting()
    cpu.start()
    t0 = time.time()
    task = asyncio.create_task(post_batches(url, batches, args.clients, posting))
    complete = await wait_scored(observer, posting, len(bodies), task, args.timeout, "e2e", t0)
    cpu_use = cpu.stop()
    if not task.done():
        task.cancel()
    after = await scoring_metrics(res.services["scoring"].url)

    accepted = posting.accepted
    ours = [observer.seen[i] for i in accepted if i in observer.seen]
    last_202 = max(accepted.values()) if accepted else t0
    last_seen = max((s.seen_at for s in ours), default=t0)
    e2e_seconds = last_seen - t0
    observations = after["batches"] - before["batches"]
    applied = after["applied"] - before["applied"]
    result = {
        "touchpoints": len(bodies), "leads": args.leads, "batch": args.batch, "clients": args.clients,
        "requests": posting.requests, "accepted": len(accepted), "errors": posting.errors[:5],
        "error_count": len(posting.errors), "retried_503": posting.retried_503,
        "scored": len(ours), "complete": complete,
        "ingest_seconds": round(last_202 - t0, 3),
        "ingest_touchpoints_per_s": round(len(accepted) / (last_202 - t0)) if accepted else 0,
        "seconds": round(e2e_seconds, 3),
        "touchpoints_per_s": round(len(ours) / e2e_seconds) if ours else 0,
        "latency_burst_202_to_recorded_at": percentiles([observer.seen[i].recorded_at - a for i, a in accepted.items()
                                                         if i in observer.seen]),
        "latency_burst_202_to_seen": percentiles([observer.seen[i].seen_at - a for i, a in accepted.items()
                                                  if i in observer.seen]),
        "scoring_applied": int(applied),
        "scoring_batch_size_max": 1000,  # ServiceSettings.consumer_batch_size (default, not overridden)
        "scoring_mean_batch_ms": round(1000 * (after["batch_seconds"] - before["batch_seconds"]) / observations, 1)
        if observations else None,
        "cpu": cpu_use,
        # CPU milliseconds each component spent per touchpoint in this phase
        "cpu_ms_per_touchpoint": {k: round(v / 100 * cpu_use["seconds"] * 1000 / len(ours), 2)
                                  for k, v in cpu_use["percent_of_one_core"].items()} if ours else {},
    }
    say(f"e2e: {result['touchpoints_per_s']:,} touchpoints/s end to end ({len(ours):,} scored in"
        f" {e2e_seconds:.2f} s); ingest accepted at {result['ingest_touchpoints_per_s']:,}/s"
        + (f"; {100 * result['touchpoints_per_s'] / raw_rate:.1f} % of raw Kafka" if raw_rate else ""))
    if posting.errors:
        say(f"e2e: {len(posting.errors)} requests failed, first: {posting.errors[0]}")
    return result


async def stored(res: Resources, run_id: str) -> dict:
    """Bytes each service's database holds in its tables, and the touchpoints scoring has stored."""
    sizes = {package: await stored_bytes(res.db_url(f"bench_{package}_{run_id}")) for package in DATABASES}
    conn = await asyncpg.connect(res.db_url(f"bench_scoring_{run_id}").replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return {"bytes": sizes, "touchpoints": await conn.fetchval("SELECT count(*) FROM touchpoints")}
    finally:
        await conn.close()


def stored_per_touchpoint(before: dict, after: dict) -> dict:
    """What phase 2 (warm-up included) added to each database, per touchpoint it stored."""
    n = after["touchpoints"] - before["touchpoints"]
    return {"touchpoints": n, "bytes_per_touchpoint": {
        name: per_touchpoint(before["bytes"][name], size, n) for name, size in after["bytes"].items()}}


async def phase_drain(res: Resources, timeout: float, t0: float) -> dict:
    """Waits until scoring, nurture and handoff have consumed everything (so phase 3 runs on a quiet stack)."""
    deadline = time.monotonic() + timeout
    next_report = time.monotonic()
    while True:
        lag = await consumer_lag(res.kafka)
        if not any(lag.values()):
            say(f"drain: all consumer groups caught up {time.time() - t0:.1f} s after phase 2 began")
            return {"caught_up_after_s": round(time.time() - t0, 2), "lag": lag}
        if time.monotonic() > deadline:
            say(f"drain: TIMEOUT, lag still {lag}")
            return {"caught_up_after_s": None, "lag": lag}
        if time.monotonic() >= next_report:
            say(f"drain: consumer lag {lag}")
            next_report += 3
        await asyncio.sleep(0.5)


async def phase_sales_ready(args, res: Resources, observer: ScoreObserver, rng: random.Random, run_id: str) -> dict:
    say(f"phase 3: {args.sales_leads} good-fit leads send a contact request each, {args.sales_rate:g}/s")
    contacts = [a_contact(rng, f"{run_id}s", i, good_fit=True) for i in range(args.sales_leads)]
    bodies = [a_touchpoint(rng, "contact_requested", c) for c in contacts]
    return await paced_leads(args, res, observer, bodies, {lead_id_of(c) for c in contacts}, args.sales_rate, "sales")


async def phase_new_leads(args, res: Resources, observer: ScoreObserver, rng: random.Random, run_id: str) -> dict:
    """A steady stream of new leads, each one first touchpoint of the realistic mix; one in ten is
    a good-fit lead's contact request, so the CRM's latency is measured under the same stream."""
    n = round(args.new_leads_rate * args.new_leads_seconds)
    say(f"phase 3b: {n:,} new leads at {args.new_leads_rate:g}/s, one first touchpoint each (one in ten to sales)")
    bodies, to_sales = [], set()
    mixed = mixed_touchpoints(rng, f"{run_id}n", n, n)  # as many leads as touchpoints: each lead new
    for i, body in enumerate(mixed):
        if i % 10 == 0:
            contact = a_contact(rng, f"{run_id}n{i}", i, good_fit=True)
            body = a_touchpoint(rng, "contact_requested", contact)
            to_sales.add(lead_id_of(contact))
        bodies.append(body)
    result = await paced_leads(args, res, observer, bodies, to_sales, args.new_leads_rate, "new leads")
    return result | {"new_leads": len({b["contact"]["email"] for b in bodies})}


SENDERS = 32  # concurrent connections of a paced phase


async def paced_leads(args, res: Resources, observer: ScoreObserver, bodies: list[dict], lead_ids: set[str],
                      rate: float, label: str) -> dict:
    """Posts `bodies` one per request at `rate`/s; latency from each 202 to its score and, for
    `lead_ids` (those that become sales-ready), to the CRM's first receipt."""
    url = f"{res.services['ingest'].url}/v1/touchpoints"
    posting = Posting()
    t0 = time.time()
    start = time.monotonic()

    due: asyncio.Queue = asyncio.Queue()

    async def sender() -> None:
        # one connection each: a single pool of many connections with thousands of requests waiting
        # spent more of the benchmark's CPU finding a free connection than sending
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=1)) as client:
            while (item := await due.get()) is not None:
                scheduled, body = item
                await post_one(client, url, body, posting, scheduled)

    async def paced() -> None:
        senders = [asyncio.create_task(sender()) for _ in range(SENDERS)]
        for i, body in enumerate(bodies):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            due.put_nowait((time.time(), body))  # when the sender means to send it: a queue here counts
        for _ in senders:
            due.put_nowait(None)
        await asyncio.gather(*senders)

    task = asyncio.create_task(paced())
    complete = await wait_scored(observer, posting, len(bodies), task, args.timeout, label, t0)
    # then the CRM: handoff's poller pushes what became sales-ready
    deadline = time.monotonic() + args.timeout
    next_report = time.monotonic() + 2
    while True:
        first_receipt: dict[str, float] = {}
        for r in list(res.crm.requests):
            lead = (r.body or {}).get("lead_id") if isinstance(r.body, dict) else None
            if lead in lead_ids and lead not in first_receipt:
                first_receipt[lead] = r.at
        if len(first_receipt) >= len(lead_ids):
            break
        if time.monotonic() > deadline:
            say(f"{label}: TIMEOUT, CRM received {len(first_receipt)} of {len(lead_ids)}")
            complete = False
            break
        if time.monotonic() >= next_report:
            say(f"{label}: CRM received {len(first_receipt)}/{len(lead_ids)}")
            next_report += 2
        await asyncio.sleep(0.1)

    accepted_at_lead = {posting.lead_of[e]: a for e, a in posting.accepted.items()}
    stages = [observer.seen[e].stage for e in posting.accepted if e in observer.seen]
    result = {
        "leads": len(lead_ids), "touchpoints": len(bodies), "rate_per_s": rate, "accepted": len(posting.accepted),
        "errors": posting.errors[:5], "complete": complete,
        "sales_ready": sum(1 for s in stages if s == "sales_ready"),
        "crm_received": len(first_receipt),
        "latency_202_to_recorded_at": percentiles([observer.seen[e].recorded_at - a
                                                   for e, a in posting.accepted.items() if e in observer.seen]),
        # from the moment the sender posted: ingest's own time included, and no sender-side lag
        # (the benchmark's loop, busy posting and reading, may take its time to see a 202)
        "latency_post_to_recorded_at": percentiles([observer.seen[e].recorded_at - a
                                                    for e, a in posting.posted.items() if e in observer.seen]),
        "latency_202_to_seen": percentiles([observer.seen[e].seen_at - a
                                            for e, a in posting.accepted.items() if e in observer.seen]),
        "latency_202_to_crm": percentiles([first_receipt[lead] - accepted_at_lead[lead]
                                           for lead in first_receipt if lead in accepted_at_lead]),
    }
    lat = result["latency_202_to_crm"]
    say(f"{label}: {result['sales_ready']} sales-ready, CRM received {len(first_receipt)};"
        f" 202 -> CRM p50 {lat.get('p50_ms')} ms, p99 {lat.get('p99_ms')} ms")
    return result


# --- the machine -------------------------------------------------------------------------------


def kafka_version() -> str:
    jars = sorted((ROOT / ".run/kafka/libs").glob("kafka-server-[0-9]*.jar"))
    return jars[0].stem.removeprefix("kafka-server-") if jars else "3.9.1 (assumed; not the local stack)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


async def machine(args) -> dict:
    try:
        conn = await asyncpg.connect(args.pg_admin_url)
        try:
            pg = (await conn.fetchval("SHOW server_version")).split()[0]
        finally:
            await conn.close()
    except Exception as exc:  # noqa: BLE001
        pg = f"unknown ({exc!r})"
    mem = next((int(l.split()[1]) // 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                if l.startswith("MemTotal")), None)
    return {
        "nproc": os.cpu_count(), "cpu": cpu_model(), "memory_mb": mem, "kernel": platform.release(),
        "python": platform.python_version(), "kafka": kafka_version(), "postgresql": pg,
        "aiokafka": version("aiokafka"), "sqlalchemy": version("sqlalchemy"), "fastapi": version("fastapi"),
    }


# --- report ------------------------------------------------------------------------------------


def render(report: dict) -> str:
    m, p = report["machine"], report["params"]
    raw, e2e, sales = report.get("raw_kafka"), report.get("end_to_end"), report.get("sales_ready")
    lines = [
        "",
        "=" * 92,
        f"leadflow benchmark   run {report['run_id']}   {report['started_at']}   took {report['duration_s']:.0f} s",
        f"machine  {m['nproc']} CPUs ({m['cpu']}), {m['memory_mb']} MB; Python {m['python']}; Kafka {m['kafka']}"
        f" (KRaft, 1 broker); PostgreSQL {m['postgresql']}; aiokafka {m['aiokafka']}",
        f"topics   {p['partitions']} partitions, replication 1; all services, Kafka, PostgreSQL and this"
        " benchmark share the machine",
        "-" * 92,
    ]

    def row(label: str, value: str) -> None:
        lines.append(f"  {label:<52} {value}")

    if raw:
        lines.append(f"1 raw Kafka: {raw['messages']:,} messages of {raw['avg_message_bytes']:,} B, acks=all,"
                     f" idempotent, consumer {raw['consumer']}")
        row("produce + consume (first send -> all read)", f"{raw['msgs_per_s']:>9,} msg/s  {raw['mb_per_s']:>7} MB/s"
            f"  ({raw['seconds']} s)")
        row("produce only (first send -> all acknowledged)", f"{raw['produce_msgs_per_s']:>9,} msg/s")
    if e2e:
        lines.append(f"2 end to end ingest -> scoring: {e2e['touchpoints']:,} touchpoints, {e2e['leads']:,} leads,"
                     f" batches of {e2e['batch']}, {e2e['clients']} clients")
        row("ingest accepted (first POST -> last 202)", f"{e2e['ingest_touchpoints_per_s']:>9,} tp/s"
            f"   ({e2e['ingest_seconds']} s)")
        row("scored (first POST -> last LeadScored read)", f"{e2e['touchpoints_per_s']:>9,} tp/s"
            f"   ({e2e['seconds']} s, {e2e['scored']:,} scored)")
        if raw and raw["msgs_per_s"]:
            row("end to end / raw Kafka", f"{100 * e2e['touchpoints_per_s'] / raw['msgs_per_s']:>9.1f} %")
        if e2e.get("scoring_mean_batch_ms") is not None:
            row(f"scoring: mean duration of a consumed batch (<= {e2e['scoring_batch_size_max']:,})",
                f"{e2e['scoring_mean_batch_ms']:>9} ms"
                f"   ({e2e['scoring_applied']:,} touchpoints applied)")
        drain = report.get("drain", {})
        if drain.get("caught_up_after_s") is not None:
            row("all consumer groups caught up (nurture, handoff too)", f"{drain['caught_up_after_s']:>9} s after first POST")
        cpu = e2e["cpu"]
        row("CPU in phase 2, % of one core", ", ".join(f"{k} {v:g}" for k, v in cpu["percent_of_one_core"].items()))
        row("CPU ms per touchpoint", ", ".join(f"{k} {v:g}" for k, v in e2e["cpu_ms_per_touchpoint"].items()))
        row("machine busy in phase 2", f"{cpu['machine_busy_percent']:>9} % of {m['nproc']} CPUs")
    if storage := report.get("storage"):
        row(f"bytes stored per touchpoint ({storage['touchpoints']:,} stored)", ", ".join(
            f"{k} {human_bytes(v)}" for k, v in storage["bytes_per_touchpoint"].items()))
    if e2e or sales:
        lines.append("3 latency from ingest's 202                            n      p50      p95      p99      max (ms)")

    def lat(label: str, d: dict | None) -> None:
        if not d or not d.get("n"):
            row(label, "n/a")
            return
        lines.append(f"  {label:<46} {d['n']:>6} {d['p50_ms']:>8} {d['p95_ms']:>8} {d['p99_ms']:>8} {d['max_ms']:>8}")

    if sales:
        lines.append(f"  moderate load: {sales['leads']} good-fit leads, one contact request each, {sales['rate_per_s']:g}/s"
                     f" ({sales['sales_ready']} sales-ready, {sales['crm_received']} received by the CRM)")
        lat("(a) -> score computed (LeadScored.recorded_at)", sales["latency_202_to_recorded_at"])
        lat("(a) -> LeadScored read from lead.scores", sales["latency_202_to_seen"])
        lat("(b) -> CRM stub received the handoff", sales["latency_202_to_crm"])
    if new := report.get("new_leads"):
        lines.append(f"  steady stream: {new['new_leads']:,} new leads at {new['rate_per_s']:g}/s, one touchpoint each"
                     f" ({new['sales_ready']} sales-ready, {new['crm_received']} received by the CRM)")
        lat("POST sent -> score computed (recorded_at)", new["latency_post_to_recorded_at"])
        lat("(a) -> LeadScored read from lead.scores", new["latency_202_to_seen"])
        lat("(b) -> CRM stub received the handoff", new["latency_202_to_crm"])
    if e2e:
        lines.append("  under the phase 2 burst (queueing included):")
        lat("(a) -> score computed (LeadScored.recorded_at)", e2e["latency_burst_202_to_recorded_at"])
        lat("(a) -> LeadScored read from lead.scores", e2e["latency_burst_202_to_seen"])
    if health := report.get("loop_health"):
        row("max event-loop lag, ms (phases 2 and 3)", ", ".join(
            f"{k} {v['max_event_loop_lag_ms']:g}" for k, v in health.items() if v["max_event_loop_lag_ms"] is not None))
        row("consumer-group rebalances after the first assignment", ", ".join(
            f"{k} {v['rebalances']}" for k, v in health.items()))
    if shadow := report.get("shadow"):
        lines.append(f"4 shadow re-score under agreement {shadow['candidate_version']} (sales-ready threshold -20), nothing emitted")
        lines += render_shadow(shadow)
        for change, count in (shadow["diff"] or {"no lead would change stage": 0}).items():
            row(f"  {change}", f"{count:>9,} leads")
    if history := report.get("history"):
        lines.append(f"5 a touchpoint against the lead's history: scoring's batch handler, {history['leads']} leads per"
                     f" cohort, {history['rounds']} rounds")
        for size, cohort in history["by_history"].items():
            row(f"  {int(size):,} earlier touchpoints, CPU ms per touchpoint",
                f"scoring {cohort['bench_cpu_ms']}, postgres {cohort['postgres_cpu_ms']}")
        row(f"  ratio {history['long']:,} / {history['short']:,} (at most 1.5 is flat)", f"{history['ratio']:>9}")
    if alone := report.get("scoring_alone"):
        lines.append(f"6 scoring alone: {alone['touchpoints']:,} touchpoints pre-filled on the topic, only scoring running")
        row("  from scoring's start until its group committed all", f"{alone['touchpoints_per_s']:>9,} tp/s"
            f"   ({alone['seconds']} s)")
        row("  CPU ms per touchpoint", ", ".join(f"{k} {v}" for k, v in alone["cpu_ms_per_touchpoint"].items()))
    if scale := report.get("at_scale"):
        lines += render_at_scale(scale)
    for name, phase in (("phase 2", e2e), ("phase 3", sales)):
        if phase and not phase.get("complete"):
            lines.append(f"  WARNING: {name} did not complete within --timeout; its figures cover only what finished")
    if report.get("service_log_issues"):
        lines.append(f"  WARNING: {len(report['service_log_issues'])} warning/error lines in the service logs (see JSON)")
    lines += ["=" * 92, f"figures written to {OUT.relative_to(ROOT)}", ""]
    return "\n".join(lines)


def render_at_scale(scale: dict) -> list[str]:
    lines = []

    def timed(part: dict, name: str) -> None:
        target = part["target_p95_ms"]
        lines.append(f"  {'over ' + str(part['rounds']) + ' requests each (ms)':<52} {'p50':>8} {'p95':>8}"
                     f"   target p95 <= {target:,} ms")
        for label, d in part["requests"].items():
            missed = "" if d["p95_ms"] <= target else "   MISSED"
            lines.append(f"  {label:<52} {d['p50_ms']:>8} {d['p95_ms']:>8}{missed}")
        lines.append(f"  {name + ' peak memory (VmHWM)':<52} {human_bytes(part['peak_memory_bytes']):>9}")

    if rp := scale.get("reporting"):
        lines.append(f"7 at scale, reporting: {rp['leads']:,} leads, {rp['touches']:,} touches,"
                     f" {rp['stage_events']:,} stage events, {rp['handoffs']:,} handoffs")
        lines.append(f"  {'seeded by COPY / read model built':<52} {rp['seed_seconds']:>7} s / {rp['read_model_seconds']} s")
        lines.append(f"  {'bytes stored per touch':<52} {human_bytes(rp['bytes_per_touch']):>9}"
                     f"   ({human_bytes(rp['stored_bytes'])} in all)")
        timed(rp, "reporting's")
    if sc := scale.get("scoring"):
        lines.append(f"7 at scale, scoring: {sc['leads']:,} leads, {sc['touchpoints']:,} touchpoints,"
                     f" {sc['score_changes']:,} ledger lines, {sc['stage_changes']:,} stage changes")
        lines.append(f"  {'seeded (folded through the rules) and copied':<52} {sc['seconds']:>7} s")
        lines.append(f"  {'bytes stored per touchpoint':<52} {human_bytes(sc['bytes_per_touchpoint']):>9}"
                     f"   ({human_bytes(sc['stored_bytes'])} in all)")
        timed(sc, "scoring's")
        if sh := sc.get("shadow"):
            lines.append(f"  shadow re-score of everything stored, under agreement {sh['candidate_version']}"
                         f" (target <= {sc['shadow_target_seconds']} s)")
            lines += render_shadow(sh, sc["shadow_target_seconds"])
    return lines


def render_shadow(shadow: dict, target_seconds: float | None = None) -> list[str]:
    """Seconds per worker count and the speed-up from the first count to the last."""
    lines, most = [], max(shadow["seconds_by_workers"])
    for workers, seconds in shadow["seconds_by_workers"].items():
        label = f"{shadow['touchpoints']:,} touchpoints of {shadow['leads']:,} leads, {workers} worker(s)"
        missed = "   MISSED" if target_seconds and workers == most and seconds > target_seconds else ""
        lines.append(f"  {label:<52} {seconds:>7} s   ({round(shadow['touchpoints'] / seconds):,} touchpoints/s){missed}")
    if shadow.get("speedup"):
        lines.append(f"  {'speed-up from 1 to 2 workers':<52} {shadow['speedup']:>7}x")
    return lines


# --- main --------------------------------------------------------------------------------------


# --quick: every phase smaller (a touchpoint's cost against a 10,000-touchpoint history stays in phase 7)
QUICK = {
    "kafka_messages": 5_000, "touchpoints": 1_000, "leads": 200, "warmup": 50, "sales_leads": 40,
    "new_leads_seconds": 3.0, "shadow_touchpoints": 20_000, "shadow_leads": 2_000, "history_long": 1_000,
    "alone_touchpoints": 10_000, "scale_leads": 50_000, "scale_touches": 500_000, "scale_scoring_leads": 5_000,
    "scale_scoring_touchpoints": 50_000, "scale_rounds": 5,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kafka-messages", type=int, default=20_000, help="phase 1 messages (default 20000)")
    p.add_argument("--raw-consumer", choices=["process", "same-process"], default="process",
                   help="phase 1 consumer in a child process (default) or on the producer's event loop")
    p.add_argument("--touchpoints", type=int, default=3_000, help="phase 2 touchpoints (default 3000)")
    p.add_argument("--leads", type=int, default=500, help="phase 2 distinct leads (default 500)")
    p.add_argument("--batch", type=int, default=50, help="touchpoints per POST, 1..500 (default 50)")
    p.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients (default 4)")
    p.add_argument("--warmup", type=int, default=100, help="touchpoints before phase 2, not counted (default 100)")
    p.add_argument("--sales-leads", type=int, default=200, help="phase 3 leads (default 200)")
    p.add_argument("--sales-rate", type=float, default=20.0, help="phase 3 contact requests per second (default 20)")
    p.add_argument("--new-leads-rate", type=float, default=200.0,
                   help="phase 3b: new leads per second, one touchpoint each (default 200; 0 skips)")
    p.add_argument("--new-leads-seconds", type=float, default=10.0, help="phase 3b duration (default 10)")
    p.add_argument("--partitions", type=int, default=6, help="partitions per topic, as deploy/stack.sh (default 6)")
    p.add_argument("--handoff-poll", type=float, default=None,
                   help="handoff's CRM poll interval, s (default: the service's own, 1 s; a commit wakes it anyway)")
    p.add_argument("--timeout", type=float, default=120.0, help="max wait per phase, s (default 120)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--kafka", default=os.environ.get("LEADFLOW_TEST_KAFKA", "127.0.0.1:9092"), help="bootstrap servers")
    p.add_argument("--pg-admin-url", default=os.environ.get(
        "LEADFLOW_TEST_PG_URL", "postgresql://leadflow:leadflow@127.0.0.1:5432/postgres"))
    p.add_argument("--skip-raw", action="store_true", help="skip phase 1")
    p.add_argument("--shadow-touchpoints", type=int, default=100_000, help="phase 4 stored touchpoints (0 skips)")
    p.add_argument("--shadow-leads", type=int, default=10_000, help="phase 4 leads (default 10000)")
    p.add_argument("--alone-touchpoints", type=int, default=100_000,
                   help="phase 6: touchpoints pre-filled for scoring running alone (default 100000; 0 skips)")
    p.add_argument("--history-long", type=int, default=10_000,
                   help="phase 5: earlier touchpoints of the long-history leads, against 10 (default 10000; 0 skips)")
    p.add_argument("--scale-leads", type=int, default=1_000_000,
                   help="phase 7: leads seeded into reporting's read model (default 1000000; 0 skips)")
    p.add_argument("--scale-touches", type=int, default=10_000_000, help="phase 7: touches of those (default 10000000)")
    p.add_argument("--scale-scoring-leads", type=int, default=100_000,
                   help="phase 7: leads seeded into scoring's database (default 100000; 0 skips)")
    p.add_argument("--scale-scoring-touchpoints", type=int, default=1_000_000,
                   help="phase 7: touchpoints of those, one lead with 10000 (default 1000000)")
    p.add_argument("--scale-rounds", type=int, default=20, help="phase 7: requests timed per endpoint (default 20)")
    p.add_argument("--only-scale", action="store_true", help="run phase 7 alone")
    p.add_argument("--quick", action="store_true",
                   help="a smaller run of every phase, under two minutes (`make bench-quick`); a flag given too wins")
    if "--quick" in (sys.argv[1:] if argv is None else argv):
        p.set_defaults(**QUICK)
    args = p.parse_args(argv)
    if not 1 <= args.batch <= 500:
        p.error("--batch must be 1..500 (ingest's batch limit)")
    return args


class NotReachable(Exception):
    pass


async def preflight(args: argparse.Namespace) -> None:
    """Kafka and PostgreSQL answer, or a clear message (the benchmark never starts them itself)."""
    hint = "are Kafka and PostgreSQL up? `bash deploy/stack.sh infra-up` (or `make bench`) starts them"
    admin = AIOKafkaAdminClient(bootstrap_servers=args.kafka, request_timeout_ms=5000)
    try:
        await asyncio.wait_for(admin.start(), 10)
        await asyncio.wait_for(admin.list_topics(), 10)
    except Exception as exc:  # noqa: BLE001
        raise NotReachable(f"Kafka at {args.kafka} does not answer ({exc!r}); {hint}") from None
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    try:
        conn = await asyncpg.connect(args.pg_admin_url, timeout=10)
        await conn.close()
    except Exception as exc:  # noqa: BLE001
        raise NotReachable(f"PostgreSQL ({args.pg_admin_url.split('@')[-1]}) refuses: {exc!r}; {hint}") from None


def log_issues(prefix: str) -> tuple[list[Path], list[str]]:
    """This run's service logs and their warning/error lines."""
    paths = sorted(LOGS.glob(f"{prefix}*.log"))
    issues = []
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            if '"level": "warning"' in line or '"level": "error"' in line or '"level": "critical"' in line:
                issues.append(f"{path.name}: {line[:300]}")
    return paths, issues


async def run(args: argparse.Namespace) -> dict:
    await preflight(args)
    run_id = uuid.uuid4().hex[:8]
    rng = random.Random(args.seed)
    kafka = KafkaSettings(bootstrap_servers=args.kafka, topic_prefix=f"bench{run_id}.")
    res = Resources(kafka, args.pg_admin_url)
    report: dict = {
        "run_id": run_id, "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "params": {k: v for k, v in vars(args).items() if k != "pg_admin_url"},
        "machine": await machine(args),
    }
    say(f"run {run_id}: Kafka {args.kafka}, topic prefix {kafka.topic_prefix}, logs in {LOGS.relative_to(ROOT)}/")
    observer = ScoreObserver(kafka)
    started = time.monotonic()
    if args.only_scale:  # phase 7 alone: no pipeline, services or topics of the run's own
        report["at_scale"] = await at_scale(args, run_id)
        report["duration_s"] = round(time.monotonic() - started, 1)
        return report
    try:
        if not args.skip_raw:
            report["raw_kafka"] = await phase_raw(args, res, rng, run_id)
        say("starting the services (fresh databases, topics, CRM stub)")
        await start_services(res, run_id, args.partitions, args.handoff_poll, say)
        await observer.start()
        pids = {name: p.process.pid for name, p in res.services.items()} | {"bench": os.getpid()} | infra_pids()
        t_phase2 = time.time()
        raw_rate = report.get("raw_kafka", {}).get("msgs_per_s")
        before = await stored(res, run_id)
        report["end_to_end"] = await phase_throughput(args, res, observer, rng, run_id, CpuMeter(pids), raw_rate)
        report["drain"] = await phase_drain(res, args.timeout, t_phase2)
        report["storage"] = stored_per_touchpoint(before, await stored(res, run_id))
        report["sales_ready"] = await phase_sales_ready(args, res, observer, rng, run_id)
        if args.new_leads_rate and args.new_leads_seconds > 0:
            report["new_leads"] = await phase_new_leads(args, res, observer, rng, run_id)
        report["loop_health"] = await loop_health(res)
        if args.shadow_touchpoints:
            report["shadow"] = await phase_shadow(args.pg_admin_url, args.shadow_touchpoints, args.shadow_leads, say)
        if args.history_long:
            report["history"] = await phase_history(args.pg_admin_url, say, long=args.history_long)
        if args.alone_touchpoints:
            report["scoring_alone"] = await phase_scoring_alone(args.pg_admin_url, args.kafka, run_id,
                                                                args.alone_touchpoints, args.partitions, say)
        if args.scale_leads or args.scale_scoring_leads:
            report["at_scale"] = await at_scale(args, run_id)
    finally:
        say("cleaning up")
        with contextlib.suppress(Exception):
            await observer.stop()
        await asyncio.shield(res.release(say))
    paths, issues = log_issues(kafka.topic_prefix)
    report["service_log_issues"] = issues[:20]
    if issues:
        say(f"{len(issues)} warnings/errors in the service logs, kept in {LOGS.relative_to(ROOT)}/{kafka.topic_prefix}*.log")
    else:
        for path in paths:  # a clean run leaves nothing behind
            path.unlink(missing_ok=True)
    report["duration_s"] = round(time.monotonic() - started, 1)
    if report.get("raw_kafka") and report["end_to_end"]["touchpoints_per_s"]:
        report["end_to_end"]["ratio_to_raw_kafka"] = round(
            report["end_to_end"]["touchpoints_per_s"] / report["raw_kafka"]["msgs_per_s"], 4)
    return report


async def at_scale(args: argparse.Namespace, run_id: str) -> dict:
    return await phase_at_scale(args.pg_admin_url, args.kafka, run_id, say, args.scale_leads, args.scale_touches,
                                args.scale_scoring_leads, args.scale_scoring_touchpoints, args.scale_rounds)


async def amain(args: argparse.Namespace) -> dict:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, task.cancel)  # `kill` cleans up like Ctrl-C
    return await run(args)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = asyncio.run(amain(args))
    except NotReachable as exc:
        print(f"leadflow benchmark: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted; the benchmark's services, databases and topics were removed", file=sys.stderr)
        return 130
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
