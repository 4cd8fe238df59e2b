"""Benchmark phase 5: the cost of a touchpoint against the length of the lead's history.

A fresh scoring database holds two cohorts of leads: one with `short` earlier touchpoints each,
one with `long` (ledger lines and stored touchpoints bulk-copied, spread over two years, as
scoring would have stored them). Each lead gets one warm-up touchpoint (a lead stored before the
running state is rebuilt from its ledger once), then `rounds` more, a batch per round holding one
touchpoint of every lead of the cohort, through scoring's own batch handler on the real
database. Printed: CPU ms per touchpoint of this process and of PostgreSQL, per cohort, and the
ratio long/short (the batch-first issue asks for at most 1.5).
"""

import asyncio
import os
import random
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from lead_events import TouchpointIn
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.migrate import upgrade
from lead_runtime.settings import DatabaseSettings
from scoring.domain.policy import ScoringPolicy
from scoring.handlers import ScoringHandlers

from ingest.domain.normalise import recorded_event
from tools.bench_data import a_contact, a_touchpoint, lead_id_of
from tools.bench_stack import CpuMeter, infra_pids

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["page_visited", "email_opened", "email_clicked", "whitepaper_downloaded", "webinar_registered"]


def _history(lead_id: str, n: int, policy: ScoringPolicy, rng: random.Random, now: datetime) -> tuple[list, list]:
    """`n` earlier touchpoints of one lead with their ledger lines, oldest first; a capped type
    earns points only while its window has room, as scoring's rules would have given them."""
    touchpoints, lines = [], []
    windows: dict[str, deque] = {t: deque() for t in policy.behaviour.caps}
    for j in range(n):
        type_ = rng.choice(TYPES)
        at = now - timedelta(days=730 * (n - j) / n, seconds=rng.uniform(0, 60))
        event_id = str(uuid.uuid4())
        touchpoints.append((event_id, lead_id, type_, at, '{"type": "%s", "source": "history"}' % type_))
        points = policy.behaviour.points.get(type_, 1.0)
        if (cap := policy.behaviour.caps.get(type_)) is not None:
            window = windows[type_]
            while window and window[0][0] < at - timedelta(days=cap.days):
                window.popleft()
            points = max(min(points, cap.points - sum(p for _, p in window)), 0)
            if points:
                window.append((at, points))
        if points:
            lines.append((lead_id, event_id, f"behaviour.{type_}", points, type_.replace("_", " "), policy.version,
                          at, False))
    return touchpoints, lines


async def _cohort(sessions, handlers, contacts: list[dict], rounds: int, rng: random.Random, meter) -> dict:
    """One warm-up touchpoint per lead, then `rounds` measured batches of one touchpoint per lead."""
    def batch() -> list:
        return [recorded_event(TouchpointIn.model_validate(a_touchpoint(rng, rng.choice(TYPES), c)), datetime.now(UTC))
                for c in contacts]

    async def apply(events: list) -> None:
        async with sessions() as session, session.begin():
            await handlers.on_touchpoints(session, events)

    await apply(batch())
    meter.start()
    started = time.perf_counter()
    for _ in range(rounds):
        await apply(batch())
    seconds = time.perf_counter() - started
    measured = meter.stop()
    n = rounds * len(contacts)
    ms = {name: percent / 100 * measured["seconds"] * 1000 / n for name, percent in measured["percent_of_one_core"].items()}
    return {"touchpoints": n, "seconds": round(seconds, 2), "bench_cpu_ms": round(ms.get("bench", 0), 3),
            "postgres_cpu_ms": round(ms.get("postgres", 0), 3)}


async def phase_history(pg_admin_url: str, say, short: int = 10, long: int = 10_000, leads: int = 20,
                        rounds: int = 25, seed: int = 42) -> dict:
    name = f"bench_history_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    sa_url = url.replace("postgresql://", "postgresql+asyncpg://")
    rng = random.Random(seed)
    try:
        await asyncio.to_thread(upgrade, "scoring", sa_url)
        policy = load_model(ROOT / "config/agreement.yaml", ScoringPolicy)
        now = datetime.now(UTC)
        cohorts = {size: [a_contact(rng, f"h{size}", i) for i in range(leads)] for size in (short, long)}
        say(f"phase 5: storing {leads} leads with {short:,} and {leads} with {long:,} earlier touchpoints")
        conn = await asyncpg.connect(url)
        try:
            for size, contacts in cohorts.items():
                for contact in contacts:
                    touchpoints, lines = _history(lead_id_of(contact), size, policy, rng, now)
                    await conn.copy_records_to_table(
                        "touchpoints", records=touchpoints, columns=["event_id", "lead_id", "type", "occurred_at", "data"])
                    await conn.copy_records_to_table("score_changes", records=lines, columns=[
                        "lead_id", "touchpoint_id", "rule", "points", "detail", "agreement_version", "occurred_at", "strong"])
                    await conn.execute(
                        "INSERT INTO leads (lead_id, email, profile, stage, agreement_version)"
                        " VALUES ($1, $2, '{}', 'prospect', $3)", lead_id_of(contact), contact["email"], policy.version)
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
        engine = make_engine(DatabaseSettings(url=sa_url))
        sessions = make_sessionmaker(engine)
        meter = CpuMeter({"bench": os.getpid()} | {k: v for k, v in infra_pids().items() if k == "postgres"})
        handlers = ScoringHandlers(policy)
        try:
            result = {}
            for size, contacts in cohorts.items():
                result[size] = await _cohort(sessions, handlers, contacts, rounds, rng, meter)
                say(f"phase 5: {size:,} earlier touchpoints: {result[size]['bench_cpu_ms']} ms CPU per touchpoint"
                    f" (+ PostgreSQL {result[size]['postgres_cpu_ms']} ms)")
        finally:
            await engine.dispose()
        s, l = result[short], result[long]
        total = lambda r: r["bench_cpu_ms"] + r["postgres_cpu_ms"]  # noqa: E731
        return {"short": short, "long": long, "leads": leads, "rounds": rounds, "by_history": {str(k): v for k, v in result.items()},
                "ratio": round(total(l) / total(s), 2) if total(s) else None}
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
