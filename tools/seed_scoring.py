"""Fill a migrated scoring database with N leads and M touchpoints by COPY, as scoring would have
stored them: each touchpoint (the realistic mix of tools/bench_data, over the last year), its
ledger lines, the stage changes, and each lead with its running state, so that GET
/v1/leads/{id} reads it as it would a lead scored live. One lead has a long history (10,000
touchpoints by default), the one GET /v1/leads/{id} is timed on (issue 13: p95 <= 100 ms).

Every lead is folded through scoring's own rules in time order (behaviour_lines, the running
state, decide_stage), as `replay` does under the agreement in force, so a shadow re-score under
the same agreement finds every lead where it stands. Used by `make bench` phase 7
(tools/bench_scale.py) and reusable for the shadow re-score at scale."""

import asyncio
import dataclasses
import random
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import orjson
from lead_events import TouchpointData, lead_id_for
from lead_runtime.config import load_model
from scoring.adapters.translate import profile_from
from scoring.domain.behaviour_state import BehaviourState
from scoring.domain.consent import consent_after
from scoring.domain.model import Activity, LeadProfile, ScoreLine
from scoring.domain.policy import ScoringPolicy
from scoring.domain.rules import behaviour_lines, decide_stage, wants_sales_contact
from scoring.domain.rules.caps import period_of
from scoring.domain.score import ProfileMemo, score_running

from tools.bench_data import SOURCES, TYPE_WEIGHTS, a_contact, a_touchpoint, properties_for
from tools.seed_reporting import indexes_set_aside

ROOT = Path(__file__).resolve().parent.parent
YEAR = timedelta(days=365)
CHUNK = 25_000  # touchpoints generated and copied at a time
# the throughput mix, and now and then a contact request (the fast lane to sales)
TYPES, WEIGHTS = zip(*{**TYPE_WEIGHTS, "contact_requested": 1}.items())
COLUMNS = {
    "leads": ["lead_id", "email", "profile", "consent", "stage", "persona", "episode", "agreement_version",
              "behaviour", "created_at", "updated_at"],
    "touchpoints": ["event_id", "lead_id", "type", "occurred_at", "data"],
    "score_changes": ["lead_id", "touchpoint_id", "rule", "points", "detail", "agreement_version", "occurred_at",
                      "strong"],
    "stage_changes": ["event_id", "lead_id", "from_stage", "to_stage", "reason", "changed_by", "evidence",
                      "occurred_at"],
}


def _evidence(lines: tuple[ScoreLine, ...]) -> bytes:
    return orjson.dumps([{"rule": l.rule, "points": l.points, "touchpoint_id": l.touchpoint_id, "detail": l.detail,
                          "occurred_at": l.occurred_at} for l in lines])


class _Fold:
    """One lead's touchpoints through the rules in time order, collecting the rows scoring writes."""

    def __init__(self, policy: ScoringPolicy, memo: ProfileMemo) -> None:
        self.policy, self.memo = policy, memo
        self.rows: dict[str, list] = {}

    def lead(self, rng: random.Random, i: int, count: int, now: datetime) -> str:
        policy, rows = self.policy, self.rows
        contact = a_contact(rng, "scale", i)
        lead_id = lead_id_for(contact["email"])
        first = a_touchpoint(rng, rng.choices(TYPES, WEIGHTS)[0], contact)
        stored = TouchpointData.model_validate(first).model_dump(mode="json")  # the stored form, once per lead
        start = now - YEAR * rng.random()
        times = sorted(start + (now - start) * rng.random() for _ in range(count))
        profile = LeadProfile().merged(profile_from(TouchpointData.model_validate(stored), policy), times[0])
        behaviour, stage, episode = BehaviourState(policy.behaviour.half_life_days), "prospect", 0
        windows: dict[str, tuple[datetime, list]] = {}  # a capped type's current period and its lines
        for n, at in enumerate(times):
            type_ = stored["type"] if n == 0 else rng.choices(TYPES, WEIGHTS)[0]
            properties = stored["properties"] if n == 0 else properties_for(rng, type_)
            event_id = str(uuid.UUID(int=rng.getrandbits(128)))
            consent = stored["consent"] and {**stored["consent"], "email_marketing": rng.random() < 0.8}
            data = {**stored, "type": type_, "source": SOURCES.get(type_, "website"), "properties": properties,
                    "consent": consent}
            rows["touchpoints"].append((event_id, lead_id, type_, at, orjson.dumps(data).decode()))
            activity = Activity(event_id, type_, at, properties)
            earlier: list = []
            if (cap := policy.behaviour.caps.get(type_)) is not None:
                period = period_of(at, cap.days)[0]
                if windows.get(type_, (None,))[0] != period:
                    windows[type_] = (period, [])
                earlier = windows[type_][1]
            lines = behaviour_lines(activity, earlier, policy)
            earlier += lines
            rows["score_changes"] += [(lead_id, l.touchpoint_id, l.rule, l.points, l.detail, policy.version,
                                       l.occurred_at, l.strong) for l in lines]
            behaviour = behaviour.with_lines(lines, at)
            score = score_running(profile, behaviour, at, policy, self.memo)
            decision = decide_stage(stage, score.fit, score.engagement, profile, wants_sales_contact(activity, policy),
                                    policy, ())
            if n == 0 or decision is not None:
                stage, episode = self._change(lead_id, None if n == 0 else stage, decision, at, episode, type_)
        behaviour = behaviour.with_lines([], now)  # decayed to now, as a lead read back now
        score = score_running(profile, behaviour, now, policy, self.memo)
        if (decision := decide_stage(stage, score.fit, score.engagement, profile, False, policy, ())) is not None:
            stage, episode = self._change(lead_id, stage, decision, now, episode, None)
        consent = consent_after(None, unsubscribed=False, email_marketing=stored["consent"]["email_marketing"],
                                double_opt_in_at=None, occurred_at=times[0], recorded_at=times[0],
                                source=stored["source"]) if stored["consent"] else None
        rows["leads"].append((
            lead_id, profile.email, orjson.dumps(dataclasses.asdict(profile)).decode(),
            consent and orjson.dumps(consent).decode(), stage, score.fit.persona, episode, policy.version,
            orjson.dumps(behaviour.to_json()).decode(), times[0], times[-1]))
        return lead_id

    def _change(self, lead_id: str, from_stage: str | None, decision, at: datetime, episode: int,
                first_type: str | None) -> tuple[str, int]:
        """A stage change as scoring stores it; a lead's first touchpoint enters it (at prospect if
        nothing more). Returns the stage and the sales episode after it."""
        to_stage = decision.to_stage if decision else "prospect"
        reason = decision.reason if decision else f"First touchpoint: {first_type.replace('_', ' ')}."
        self.rows["stage_changes"].append((str(uuid.uuid4()), lead_id, from_stage, to_stage, reason, "scoring",
                                           _evidence(decision.evidence if decision else ()).decode(), at))
        return to_stage, episode + (to_stage == "sales_ready")


def _counts(rng: random.Random, leads: int, touchpoints: int, long: int) -> list[int]:
    """Touchpoints per lead: lead 0 has `long` (0: no lead stands out), every other at least one,
    the rest mildly skewed."""
    counts = [max(long, 1)] + [1] * (leads - 1)
    rest = touchpoints - sum(counts)
    skew = [1 / (i + 1) ** 0.3 for i in range(leads - 1)]
    for i in rng.choices(range(1 if long else 0, leads), skew if long else [1.0] + skew, k=max(rest, 0)):
        counts[i] += 1
    return counts


async def seed_scoring(url: str, leads: int, touchpoints: int, say, long_lead_touchpoints: int = 10_000,
                       seed: int = 42, policy: ScoringPolicy | None = None) -> dict:
    """Fills the (migrated, empty) scoring database at `url` under `policy` (default: the configured
    agreement). Returns the rows written, the stages reached, the long lead's id and the seconds."""
    policy = policy or load_model(ROOT / "config/agreement.yaml", ScoringPolicy)
    if not 0 < max(long_lead_touchpoints, 1) + leads - 1 <= touchpoints:
        raise ValueError("touchpoints must cover the long lead and one for every other lead")
    rng = random.Random(seed)
    now = datetime.now(UTC)
    counts = _counts(rng, leads, touchpoints, long_lead_touchpoints)
    written = dict.fromkeys(COLUMNS, 0)
    stages: Counter = Counter()
    fold = _Fold(policy, ProfileMemo(policy))
    started = time.perf_counter()

    def generate(first: int) -> tuple[int, dict[str, list]]:
        """Leads from `first` on until a chunk's touchpoints are reached; the next lead's number."""
        fold.rows = {table: [] for table in COLUMNS}
        i = first
        while i < leads and len(fold.rows["touchpoints"]) < CHUNK:
            fold.lead(rng, i, counts[i], now)
            i += 1
        return i, fold.rows

    async def copy(rows: dict[str, list]) -> None:
        stages.update(row[4] for row in rows["leads"])
        for table, records in rows.items():
            await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
            written[table] += len(records)
        say(f"scoring: {written['touchpoints']:,} of {touchpoints:,} touchpoints, {written['leads']:,}"
            f" leads ({written['touchpoints'] / (time.perf_counter() - started):,.0f}/s)")

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        async with indexes_set_aside(conn, list(COLUMNS), say):
            # the next chunk is folded in a thread while PostgreSQL takes the last one
            next_lead, rows = generate(0)
            long_lead = rows["leads"][0][0]
            while rows:
                copying = asyncio.create_task(copy(rows))
                next_lead, rows = await asyncio.to_thread(generate, next_lead) if next_lead < leads else (leads, None)
                await copying
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {**written, "stages": dict(stages.most_common()), "long_lead_id": long_lead,
            "long_lead_touchpoints": long_lead_touchpoints, "seconds": round(time.perf_counter() - started, 1)}
