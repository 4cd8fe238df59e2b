"""Fill a fresh reporting database with N leads and M touches by COPY, then time every report
endpoint against it (issue 13: at most 1 s at 1,000,000 leads and 10,000,000 touches).

    .venv/bin/python -m tools.seed_reporting --leads 100000 --touches 1000000

Rows go straight into the tables (two years of history up to now), so `stage_tallies`,
`lead_items`, the events' timeline columns, `funnel_tallies` and the attribution credits are then
built the way migrations 0004, 0005 and 0008 build them for events already stored; the timing of
that is printed too. `make bench` does the same in its phase 7
(tools/bench_scale.py) against the service as a process. The database is dropped afterwards
unless --keep."""

import argparse
import asyncio
import contextlib
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
# what the read model keeps as events arrive, built from the copied rows as the migrations do (in
# this order: 0004's tallies read 0005's items; 0008's its events' timeline columns and the items)
BUILT = {"lead_items": "0005_lead_items", "stage_tallies": "0004_report_queries",
         "funnel_tallies and attribution credits": "0008_timeline_rollups"}
BACKFILLS = [_migration(f"reporting.migrations.versions.{m}")._BACKFILL for m in BUILT.values()]
PATHS = {  # a lead's stages: most stay prospects, a few reach won
    "prospect": [("marketing_lead", 0.35)], "marketing_lead": [("sales_ready", 0.4), ("disqualified", 0.05)],
    "sales_ready": [("sales_accepted", 0.6), ("recycled", 0.25)], "sales_accepted": [("opportunity", 0.5)],
    "opportunity": [("won", 0.3), ("lost", 0.5)], "recycled": [("sales_ready", 0.3)],
}
TYPES = ["page_visited", "email_opened", "email_clicked", "whitepaper_downloaded", "webinar_attended", "pricing_viewed"]
LEAD_CHUNK = 100_000  # leads generated and copied at a time
TOUCH_CHUNK = 1_000_000  # touches written by one INSERT ... SELECT
SPAN = timedelta(days=730)


def _stages(rng: random.Random, lead: str, start: datetime, now: datetime):
    stage, at, prev, n = "prospect", start, None, 0
    while stage and at < now:
        n += 1
        yield (f"{lead}-s{n}", lead, prev, stage, at, "not_ready" if stage == "recycled" else "", "scoring")
        prev, at = stage, at + timedelta(hours=rng.expovariate(1 / 72))
        stage = next((s for s, p in PATHS.get(stage, []) if rng.random() < p), None)


def _leads(rng: random.Random, first: int, count: int, now: datetime) -> dict[str, list]:
    """Leads number first..first+count: ids as scoring makes them (UUIDs), stage paths from the
    first touch on, a handoff per sales-ready, who they are (lead_facts) and when they began."""
    out: dict[str, list] = {"stage_events": [], "handoffs": [], "lead_facts": [], "seed_leads": []}
    for n in range(first, first + count):
        lead, start = str(uuid.UUID(int=rng.getrandbits(128))), now - SPAN * rng.random()
        out["seed_leads"].append((n, lead, start))
        out["lead_facts"].append((lead, rng.choice([None, "purchasing", "production", "management"]),
                                  rng.choice(["website", "linkedin", "fair"]),
                                  rng.choice([None, *(f"campaign-{c}" for c in range(40))])))
        for row in _stages(rng, lead, start, now):
            out["stage_events"].append(row)
            if row[3] == "sales_ready":
                at = row[4]
                answered = at + timedelta(minutes=rng.choice([10, 40, 60 * 30])) if rng.random() < 0.8 else None
                out["handoffs"].append((f"{row[0]}-h", lead, at, at + timedelta(minutes=30), at + timedelta(hours=24),
                                        f"rep-{rng.randrange(20)}", rng.choice(["nord", "sued"]), answered))
    return out


COLUMNS = {
    "stage_events": ["event_id", "lead_id", "from_stage", "to_stage", "at", "reason", "changed_by"],
    "handoffs": ["handoff_id", "lead_id", "handed_at", "first_contact_due", "hard_limit", "rep_id", "team", "responded_at"],
    "lead_facts": ["lead_id", "persona", "source", "campaign"],
    "seed_leads": ["n", "lead_id", "start"],
}


def _h(k: int) -> str:
    """A touch number's k-th pseudo-random draw, non-negative: the same rows on every run."""
    return f"(hashint8extended(i.n, {k}) & 9223372036854775807)"


# A touch of a random lead, its time from 200 hours before to 400 hours after the lead began, a
# random type, half of them in a campaign, all but one in 51 naming a content item: generated in
# PostgreSQL, where 10,000,000 rows take a minute (in Python, rows alone took longer than that).
_TOUCHES = f"""
INSERT INTO touches (event_id, lead_id, type, at, source, campaign, content_id)
SELECT md5('touch' || i.n)::uuid::text, l.lead_id, (ARRAY{TYPES!r}::text[])[1 + {_h(1)} % {len(TYPES)}],
       l.start + ({_h(2)} % 600000 / 1000.0 - 200) * interval '1 hour', 'website',
       CASE WHEN {_h(3)} % 2 = 0 THEN 'autumn' END, CASE WHEN {_h(4)} % 51 > 0 THEN 'wp-' || {_h(4)} % 51 - 1 END
FROM generate_series($1::bigint, $2::bigint) i(n) JOIN seed_leads l ON l.n = {_h(0)} % $3
"""


@contextlib.asynccontextmanager
async def indexes_set_aside(conn: asyncpg.Connection, tables: list[str], say=print):
    """The tables' keys and indexes dropped while rows are loaded, then built again as they were
    (one sorted build each instead of millions of inserts into them)."""
    keys = await conn.fetch("""
        SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = ANY($1::regclass[]) AND contype IN ('p', 'u')""", tables)
    indexes = await conn.fetch("""
        SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1)
        AND indexname NOT IN (SELECT conname FROM pg_constraint)""", tables)
    for index in indexes:
        await conn.execute(f'DROP INDEX "{index["indexname"]}"')
    for key in keys:
        await conn.execute(f'ALTER TABLE "{key["tbl"]}" DROP CONSTRAINT "{key["conname"]}"')
    yield
    started = time.perf_counter()
    await conn.execute("SET maintenance_work_mem = '512MB'")
    for key in keys:
        await conn.execute(f'ALTER TABLE "{key["tbl"]}" ADD CONSTRAINT "{key["conname"]}" {key["def"]}')
    for index in indexes:
        await conn.execute(index["indexdef"])
    await conn.execute("RESET maintenance_work_mem")
    say(f"{len(keys)} keys and {len(indexes)} indexes of {', '.join(tables)} built in {time.perf_counter() - started:.1f} s")


async def seed(conn: asyncpg.Connection, leads: int, touches: int, now: datetime, say=print) -> dict:
    """`leads` leads over two years up to `now` with their stage paths, handoffs and facts, and
    `touches` touches spread over them; returns the rows written per table."""
    rng = random.Random(13)
    counts = dict.fromkeys(COLUMNS, 0)
    await conn.execute("CREATE TEMP TABLE seed_leads (n bigint PRIMARY KEY, lead_id text, start timestamptz)")
    async with indexes_set_aside(conn, ["stage_events", "handoffs", "lead_facts", "touches"], say):
        for first in range(0, leads, LEAD_CHUNK):
            rows = _leads(rng, first, min(LEAD_CHUNK, leads - first), now)
            for table, records in rows.items():
                await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
                counts[table] += len(records)
            say(f"{counts['seed_leads']:,} of {leads:,} leads: {counts['stage_events']:,} stage events,"
                f" {counts['handoffs']:,} handoffs")
        await conn.execute("ANALYZE seed_leads")
        started = time.perf_counter()
        for first in range(0, touches, TOUCH_CHUNK):
            last = min(first + TOUCH_CHUNK, touches) - 1
            await conn.execute(_TOUCHES, first, last, leads)
            say(f"{last + 1:,} of {touches:,} touches ({(last + 1) / (time.perf_counter() - started):,.0f}/s)")
    await conn.execute("DROP TABLE seed_leads")
    del counts["seed_leads"]
    return {"leads": leads, "touches": touches, **counts}


async def build_read_model(conn: asyncpg.Connection, say=print) -> int:
    """`lead_items`, `stage_tallies`, the events' timeline columns, `funnel_tallies` and the
    attribution credits from the rows copied, as migrations 0005, 0004 and 0008 build them; then
    the events vacuumed (their stays are read from an index alone) and statistics for the planner. Returns the
    tallies' rows."""
    await conn.execute("SET work_mem = '256MB'")
    for what, backfill in zip(BUILT, BACKFILLS, strict=True):
        started = time.perf_counter()
        say(f"building {what} as its migration does")
        for statement in (backfill,) if isinstance(backfill, str) else backfill:
            await conn.execute(statement)
        say(f"{what}: built in {time.perf_counter() - started:.0f} s")
    await conn.execute("RESET work_mem")
    await conn.execute("VACUUM (ANALYZE) stage_events")  # as autovacuum would: the visibility map for index-only scans
    await conn.execute("ANALYZE")
    return await conn.fetchval("SELECT count(*) FROM stage_tallies")


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
            seeded = await seed(conn, args.leads, args.touches, datetime.now(UTC))
            print(f"seeded {seeded} by COPY in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            tallies = await build_read_model(conn)
            print(f"read model built as migrations 0004, 0005 and 0008 do: {tallies:,} stage_tallies rows in {time.perf_counter() - started:.1f} s")
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
