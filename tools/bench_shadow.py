"""Benchmark phase 4: shadow re-score of stored touchpoints under a candidate agreement.

Fills a fresh scoring database with N touchpoints over M leads (bulk inserts, as scoring
stores them), then times `scoring.agreement_cmd.shadow` with 1 and with 2 worker processes and
reports its diff. Nothing is emitted.
"""

import asyncio
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import yaml
from lead_events import Contact, TouchpointData, lead_id_for
from lead_runtime.migrate import upgrade
from lead_runtime.settings import DatabaseSettings
from lead_runtime.config import load_model
from scoring.adapters.translate import activity_from, profile_from
from scoring.agreement_cmd import shadow
from scoring.domain.policy import ScoringPolicy
from scoring.domain.replay import Recorded, replay
from scoring.domain.score import ProfileMemo

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["page_visited"] * 5 + ["email_opened"] * 3 + ["email_clicked"] * 2 + [
    "webinar_registered", "webinar_attended", "whitepaper_downloaded", "case_study_downloaded", "pricing_viewed",
    "tender_document_downloaded",
]
TITLES = ["Leiterin Einkauf", "Produktionsleiter", "Geschäftsführer", "Sachbearbeiter", "CMO", "Berater"]


def candidate() -> ScoringPolicy:
    """The sample agreement with the sales-ready threshold lowered: a typical change to evaluate."""
    doc = yaml.safe_load((ROOT / "config/agreement.yaml").read_text())
    doc["version"] += "-shadow-candidate"
    doc["thresholds"]["sales_ready"] = doc["thresholds"]["sales_ready"] - 20
    return ScoringPolicy.model_validate(doc)


def _rows(touchpoints: int, leads: int, rng: random.Random, current: ScoringPolicy) -> tuple[list, list]:
    """Leads at the stage the current agreement gives them, so the diff is current vs candidate."""
    now = datetime.now(UTC)
    lead_rows, tp_rows = [], []
    per_lead, memo = max(touchpoints // leads, 1), ProfileMemo(current)
    for i in range(leads):
        email = f"bench.{i}@firma{i % 97}.de"
        contact = Contact(email=email, last_name=f"N{i}", job_title=rng.choice(TITLES),
                          company={"name": f"Firma {i % 97}", "employees": rng.choice([40, 150, 400, 1200]),
                                   "industry": "manufacturing", "country": "DE"})
        lead_id = lead_id_for(email)
        recorded = []
        for j in range(per_lead):
            data = TouchpointData(type=rng.choice(TYPES), source="bench", contact=contact)
            at = now - timedelta(days=rng.uniform(0, 90), seconds=j)
            event_id = str(uuid.uuid4())
            tp_rows.append((event_id, lead_id, data.type.value, at, data.model_dump_json()))
            recorded.append(Recorded(activity_from(event_id, data, at), profile_from(data, current)))
        recorded.sort(key=lambda r: (r.activity.occurred_at, r.activity.touchpoint_id))
        stage = replay(recorded, current, now, memo=memo, explained=False).stage
        lead_rows.append((lead_id, email, "{}", stage, current.version, now))
    return lead_rows, tp_rows


async def phase_shadow(pg_admin_url: str, touchpoints: int, leads: int, say, seed: int = 42) -> dict:
    name = f"bench_shadow_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        await asyncio.to_thread(upgrade, "scoring", url.replace("postgresql://", "postgresql+asyncpg://"))
        say(f"phase 4: scoring {touchpoints:,} touchpoints under the current agreement to store them")
        current = load_model(ROOT / "config/agreement.yaml", ScoringPolicy)
        lead_rows, tp_rows = _rows(touchpoints, leads, random.Random(seed), current)
        say(f"phase 4: storing {len(tp_rows):,} touchpoints of {leads:,} leads for a shadow re-score")
        conn = await asyncpg.connect(url)
        try:
            await conn.copy_records_to_table(
                "leads", records=lead_rows,
                columns=["lead_id", "email", "profile", "stage", "agreement_version", "updated_at"])
            await conn.copy_records_to_table(
                "touchpoints", records=tp_rows, columns=["event_id", "lead_id", "type", "occurred_at", "data"])
        finally:
            await conn.close()
        return await time_shadow(url, current, say)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def time_shadow(url: str, current: ScoringPolicy, say, workers: tuple[int, ...] = (1, 2)) -> dict:
    """The shadow re-score of everything stored at `url`, once per worker count (each in its own processes)."""
    database = DatabaseSettings(url=url.replace("postgresql://", "postgresql+asyncpg://"))
    runs = {}
    for n in workers:
        say(f"phase 4: shadow re-score with {n} worker process{'es' if n > 1 else ''}")
        started = time.perf_counter()
        report = await shadow(candidate(), database, datetime.now(UTC), current, workers=n)
        runs[n] = seconds = time.perf_counter() - started
        say(f"phase 4: {report['touchpoints']:,} touchpoints re-scored in {seconds:.1f} s with {n} worker(s)")
    fastest = min(runs, key=runs.get)
    return {
        "touchpoints": report["touchpoints"], "leads": report["leads"],
        "seconds": round(runs[fastest], 2), "workers": fastest,
        "touchpoints_per_s": round(report["touchpoints"] / runs[fastest]) if runs[fastest] else None,
        "seconds_by_workers": {n: round(t, 2) for n, t in runs.items()},
        "speedup": round(runs[workers[0]] / runs[workers[-1]], 2) if len(workers) > 1 and runs[workers[-1]] else None,
        "candidate_version": report["candidate_version"],
        "diff": {change: found["count"] for change, found in report["changes"].items()},
    }
