"""Benchmark phase 7, at scale (issue 13): a year of data seeded into fresh databases, then the
services' read endpoints timed against them as real processes (`python -m <svc> serve api`).

- reporting: N leads and M touches with their stage paths, handoffs and facts (tools/seed_reporting.py),
  the read model's tallies and rollups built as the migrations build them; the funnel, sla and attribution
  reports over the last quarter and a whole year and the dashboard, `rounds` requests each after
  one not counted: p50/p95 (target p95 <= 1 s) and the process's peak memory (VmHWM);
- scoring: N leads and M touchpoints with their ledger, stage changes and running state
  (tools/seed_scoring.py), one lead with 10,000 touchpoints: GET /v1/leads/{id} of that lead
  (target p95 <= 100 ms).

Both print the bytes stored per touch(point): the database's tables, indexes and TOAST over the
touches seeded. Each part has its own databases and topics, removed at its end whatever happened.
"""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from lead_runtime.config import load_model
from lead_runtime.settings import KafkaSettings
from lead_runtime.topics import create_topics
from scoring.domain.policy import ScoringPolicy

from tests.processes import ServiceProcess, free_port, service_env
from tools.bench_stack import LOGS, Resources, create_database, stored_bytes
from tools.bench_stats import percentiles
from tools.bench_shadow import ROOT, time_shadow
from tools.seed_reporting import build_read_model, seed
from tools.seed_scoring import seed_scoring

REPORTING_TARGET_MS = 1000
SCORING_TARGET_MS = 100
SHADOW_TARGET_SECONDS = 60  # a shadow re-score of 1,000,000 stored touchpoints


def report_requests(now: datetime) -> list[tuple[str, str, dict]]:
    """(label, path, query) of the reporting requests timed: a quarter and a year of each report."""
    quarter, year = (now - timedelta(days=91)).isoformat(), (now - timedelta(days=365)).isoformat()
    return [
        ("GET /v1/reports/funnel, last quarter", "/v1/reports/funnel", {"from": quarter}),
        ("GET /v1/reports/funnel, one year", "/v1/reports/funnel", {"from": year}),
        ("GET /v1/reports/sla, last quarter", "/v1/reports/sla", {"from": quarter}),
        ("GET /v1/reports/sla, one year", "/v1/reports/sla", {"from": year}),
        ("GET /v1/reports/attribution, last quarter", "/v1/reports/attribution", {"from": quarter}),
        ("GET /v1/reports/attribution, one year", "/v1/reports/attribution", {"from": year}),
        ("GET / (dashboard: 30 days, plan, topic lag)", "/", {}),
    ]


def peak_memory_bytes(pid: int) -> int | None:
    """The process's peak resident set (VmHWM), while it still runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


async def time_requests(base_url: str, requests: list[tuple[str, str, dict]], rounds: int, say) -> dict:
    """Each request once not counted (connections, the first plan), then `rounds` times in a row."""
    out = {}
    async with httpx.AsyncClient(base_url=base_url, timeout=300) as client:
        for label, path, params in requests:
            took = []
            for i in range(rounds + 1):
                started = time.perf_counter()
                answer = await client.get(path, params=params)
                if i:
                    took.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"{label}: {answer.status_code} {answer.text[:300]}")
            out[label] = percentiles(took)
            say(f"phase 7: {label}: p50 {out[label]['p50_ms']} ms, p95 {out[label]['p95_ms']} ms")
    return out


async def _serve(res: Resources, name: str, url: str) -> ServiceProcess:
    """The service as a process, API only, on a free loopback port, against the seeded database."""
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = service_env(name, res.kafka.bootstrap_servers, res.kafka.topic_prefix, port, url, {})
    service = res.services[name] = ServiceProcess(name, env, port, LOGS / f"{res.kafka.topic_prefix}{name}.log",
                                                  mode="api")
    service.start()
    await asyncio.to_thread(service.wait_ready, 90)
    return service


async def _deployment(res: Resources, package: str) -> str:
    """Topics (the dashboard reads their lag) and a fresh migrated database, recorded in `res` for release."""
    res.topics.extend(await create_topics(res.kafka, partitions=1))
    return await create_database(res, f"bench_scale_{package}_{res.kafka.topic_prefix.strip('.')}", package)


async def _reporting(pg_admin_url: str, bootstrap: str, run_id: str, leads: int, touches: int, rounds: int,
                     say) -> dict:
    res = Resources(KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=f"scale{run_id}r."), pg_admin_url)
    try:
        url = await _deployment(res, "reporting")
        say(f"phase 7: reporting: seeding {leads:,} leads and {touches:,} touches")
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            started = time.perf_counter()
            seeded = await seed(conn, leads, touches, datetime.now(UTC), lambda m: say(f"phase 7: reporting: {m}"))
            seed_seconds = time.perf_counter() - started
            started = time.perf_counter()
            tallies = await build_read_model(conn, lambda m: say(f"phase 7: reporting: {m}"))
            build_seconds = time.perf_counter() - started
            say(f"phase 7: reporting: seeded in {seed_seconds:.0f} s; lead_items, stage_tallies ({tallies:,} rows),"
                f" funnel_tallies and attribution credits built as migrations 0004/0005/0008 do in {build_seconds:.0f} s")
        finally:
            await conn.close()
        stored = await stored_bytes(url)
        service = await _serve(res, "reporting", url)
        timings = await time_requests(service.url, report_requests(datetime.now(UTC)), rounds, say)
        peak = peak_memory_bytes(service.process.pid)
        say(f"phase 7: reporting's peak memory {peak / 1e6 if peak else 0:.0f} MB")
        return {**seeded, "stage_tallies": tallies, "seed_seconds": round(seed_seconds, 1),
                "read_model_seconds": round(build_seconds, 1), "stored_bytes": stored,
                "bytes_per_touch": round(stored / touches) if touches else None, "rounds": rounds,
                "requests": timings, "peak_memory_bytes": peak, "target_p95_ms": REPORTING_TARGET_MS}
    finally:
        await asyncio.shield(res.release(say))


async def _scoring(pg_admin_url: str, bootstrap: str, run_id: str, leads: int, touchpoints: int, rounds: int,
                   say) -> dict:
    res = Resources(KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=f"scale{run_id}s."), pg_admin_url)
    try:
        url = await _deployment(res, "scoring")
        long = min(10_000, touchpoints - leads + 1)
        say(f"phase 7: scoring: seeding {leads:,} leads and {touchpoints:,} touchpoints (one lead with {long:,})")
        seeded = await seed_scoring(url, leads, touchpoints, say, long_lead_touchpoints=long)
        say(f"phase 7: scoring: seeded in {seeded['seconds']:.0f} s, stages {seeded['stages']}")
        stored = await stored_bytes(url)
        service = await _serve(res, "scoring", url)
        request = (f"GET /v1/leads/{{id}}, {long:,} touchpoints", f"/v1/leads/{seeded['long_lead_id']}", {})
        timings = await time_requests(service.url, [request], rounds, say)
        peak = peak_memory_bytes(service.process.pid)
        await asyncio.to_thread(service.stop)  # the re-score has the machine to itself, as a quarterly review would
        current = load_model(ROOT / "config/agreement.yaml", ScoringPolicy)
        shadow = await time_shadow(url, current, lambda m: say(m.replace("phase 4", "phase 7: scoring")))
        return {**seeded, "stored_bytes": stored, "bytes_per_touchpoint": round(stored / touchpoints),
                "rounds": rounds, "requests": timings, "peak_memory_bytes": peak, "target_p95_ms": SCORING_TARGET_MS,
                "shadow": shadow, "shadow_target_seconds": SHADOW_TARGET_SECONDS}
    finally:
        await asyncio.shield(res.release(say))


async def phase_at_scale(pg_admin_url: str, bootstrap: str, run_id: str, say, leads: int, touches: int,
                         scoring_leads: int, scoring_touchpoints: int, rounds: int = 20) -> dict:
    """Reporting with `leads`/`touches`, scoring with `scoring_leads`/`scoring_touchpoints` (0 skips either)."""
    out = {}
    if leads:
        out["reporting"] = await _reporting(pg_admin_url, bootstrap, run_id, leads, touches, rounds, say)
    if scoring_leads:
        out["scoring"] = await _scoring(pg_admin_url, bootstrap, run_id, scoring_leads, scoring_touchpoints, rounds, say)
    return out
