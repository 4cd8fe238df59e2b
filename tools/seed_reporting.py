"""Fill a fresh reporting database with N leads and M touches by COPY, then time every report
endpoint against it (issue 13: at most 1 s at 1,000,000 leads and 10,000,000 touches).

    .venv/bin/python -m tools.seed_reporting --leads 100000 --touches 1000000

Rows go straight into the tables (two years of history up to now), so `stage_tallies` is then
built the way migration 0004 builds it for events already stored; the timing of that is printed
too. Not part of `make bench`. The database is dropped afterwards unless --keep."""

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from lead_runtime.migrate import upgrade
from lead_runtime.settings import DatabaseSettings, HttpSettings, KafkaSettings
from reporting.bootstrap import make_app
from reporting.settings import Settings

_migration = __import__("importlib").import_module
# what the read model keeps as events arrive, built from the copied rows as the migrations do
BACKFILLS = [_migration(f"reporting.migrations.versions.{m}")._BACKFILL for m in ("0005_lead_items", "0004_report_queries")]
PATHS = {  # a lead's stages: most stay prospects, a few reach won
    "prospect": [("marketing_lead", 0.35)], "marketing_lead": [("sales_ready", 0.4), ("disqualified", 0.05)],
    "sales_ready": [("sales_accepted", 0.6), ("recycled", 0.25)], "sales_accepted": [("opportunity", 0.5)],
    "opportunity": [("won", 0.3), ("lost", 0.5)], "recycled": [("sales_ready", 0.3)],
}
TYPES = ["page_visited", "email_opened", "email_clicked", "whitepaper_downloaded", "webinar_attended", "pricing_viewed"]
CHUNK = 200_000


def _stages(rng: random.Random, lead: str, start: datetime, now: datetime):
    stage, at, prev, n = "prospect", start, None, 0
    while stage and at < now:
        n += 1
        yield (f"{lead}-s{n}", lead, prev, stage, at, "not_ready" if stage == "recycled" else "", "scoring")
        prev, at = stage, at + timedelta(hours=rng.expovariate(1 / 72))
        stage = next((s for s, p in PATHS.get(stage, []) if rng.random() < p), None)


async def seed(conn: asyncpg.Connection, leads: int, touches: int, now: datetime) -> None:
    rng = random.Random(13)
    span = timedelta(days=730)
    starts = [now - span * rng.random() for _ in range(leads)]
    ids = [f"lead-{i:08d}" for i in range(leads)]
    stages, handoffs = [], []
    for lead, start in zip(ids, starts):
        for row in _stages(rng, lead, start, now):
            stages.append(row)
            if row[3] == "sales_ready":
                at = row[4]
                answered = at + timedelta(minutes=rng.choice([10, 40, 60 * 30])) if rng.random() < 0.8 else None
                handoffs.append((f"{row[0]}-h", lead, at, at + timedelta(minutes=30), at + timedelta(hours=24),
                                 f"rep-{rng.randrange(20)}", rng.choice(["nord", "sued"]), answered))
    await conn.copy_records_to_table("stage_events", records=stages, columns=[
        "event_id", "lead_id", "from_stage", "to_stage", "at", "reason", "changed_by"])
    await conn.copy_records_to_table("handoffs", records=handoffs, columns=[
        "handoff_id", "lead_id", "handed_at", "first_contact_due", "hard_limit", "rep_id", "team", "responded_at"])
    await conn.copy_records_to_table("lead_facts", columns=["lead_id", "persona", "source", "campaign"], records=[
        (lead, rng.choice([None, "purchasing", "production", "management"]), rng.choice(["website", "linkedin", "fair"]),
         rng.choice([None, *(f"campaign-{c}" for c in range(40))])) for lead in ids])
    for done in range(0, touches, CHUNK):
        rows = []
        for n in range(done, min(done + CHUNK, touches)):
            i = rng.randrange(leads)
            rows.append((f"t{n}", ids[i], rng.choice(TYPES), starts[i] + timedelta(hours=rng.uniform(-200, 400)),
                         "website", rng.choice([None, "autumn"]), rng.choice([None, *(f"wp-{c}" for c in range(50))])))
        await conn.copy_records_to_table("touches", records=rows, columns=[
            "event_id", "lead_id", "type", "at", "source", "campaign", "content_id"])
    print(f"seeded {leads:,} leads, {len(stages):,} stage events, {touches:,} touches, {len(handoffs):,} handoffs")


async def time_endpoints(url: str, kafka: str, rounds: int) -> None:
    settings = Settings(database=DatabaseSettings(url=url), kafka=KafkaSettings(bootstrap_servers=kafka),
                        http=HttpSettings(port=0))
    app = make_app(settings, mode="api")
    plan = {"revenue_target_eur": 10_000_000, "marketing_share": 0.4, "average_deal_eur": 50_000}
    calls = [("GET /v1/reports/funnel", "GET", "/v1/reports/funnel", {}),
             *((f"GET /v1/reports/funnel?by={by}", "GET", "/v1/reports/funnel", {"by": by})
               for by in ("source", "campaign", "persona", "content")),
             ("GET /v1/reports/funnel?format=csv&by=campaign", "GET", "/v1/reports/funnel", {"format": "csv", "by": "campaign"}),
             ("GET /v1/reports/funnel (one year)", "GET", "/v1/reports/funnel",
              {"from": (datetime.now(UTC) - timedelta(days=365)).isoformat()}),
             ("GET /v1/reports/sla", "GET", "/v1/reports/sla", {}),
             ("GET /v1/reports/attribution?stage=sales_ready", "GET", "/v1/reports/attribution", {}),
             ("GET /v1/reports/attribution?stage=won", "GET", "/v1/reports/attribution", {"stage": "won"}),
             ("POST /v1/plan", "POST", "/v1/plan", None),
             ("GET / (dashboard)", "GET", "/", {})]
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://r", timeout=300) as client:
            for name, method, path, params in calls:
                took = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    answer = await (client.post(path, json=plan) if method == "POST" else client.get(path, params=params))
                    took.append(time.perf_counter() - started)
                    assert answer.status_code in (200, 422), (name, answer.status_code, answer.text[:300])
                print(f"{name:50} median {statistics.median(took) * 1000:7.0f} ms   max {max(took) * 1000:7.0f} ms")


async def _drop(admin: asyncpg.Connection, name: str) -> None:
    """After a big COPY autovacuum may still be in the database, which FORCE may not end: wait for it."""
    for _ in range(60):
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except asyncpg.ObjectInUseError:
            await asyncio.sleep(2)
    print(f"could not drop database {name}: still in use")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--touches", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--admin-url", default=os.environ.get("SEED_ADMIN_URL", "postgresql://leadflow:leadflow@127.0.0.1:5432/postgres"))
    parser.add_argument("--kafka", default=os.environ.get("LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    args = parser.parse_args()
    name = f"seed_reporting_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    plain = f"{args.admin_url.rsplit('/', 1)[0]}/{name}"
    url = plain.replace("postgresql://", "postgresql+asyncpg://")
    try:
        await asyncio.to_thread(upgrade, "reporting", url)
        conn = await asyncpg.connect(plain)
        try:
            started = time.perf_counter()
            await seed(conn, args.leads, args.touches, datetime.now(UTC))
            print(f"copy: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            for backfill in BACKFILLS:
                await conn.execute(backfill)
            await conn.execute("ANALYZE")
            tallies = await conn.fetchval("SELECT count(*) FROM stage_tallies")
            print(f"stage_tallies and lead_items built as migrations 0004 and 0005 do: {tallies:,} rows in {time.perf_counter() - started:.1f} s")
        finally:
            await conn.close()
        await time_endpoints(url, args.kafka, args.rounds)
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            await _drop(admin, name)
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
