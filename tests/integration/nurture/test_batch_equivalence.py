"""Nurture's batch path (rounds of one touchpoint per lead) gives the same leads, steps, take-ups
and journeys, and publishes the same steps, as one touchpoint at a time."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from lead_events import Consent, LeadSnapshot, LeadStageChanged, Stage, StageChangeData, TouchpointIn, encode
from lead_runtime.db import make_engine, make_sessionmaker
from nurture.adapters.tables import nurture_consumed, nurture_journeys, nurture_leads, nurture_steps
from nurture.agreement import load_catalogue
from nurture.handlers import NurtureHandlers
from sqlalchemy import select

from ingest.domain.normalise import recorded_event
from tools.bench_data import mixed_touchpoints

from .config import agreement_dir

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WINDOW = 250
CONTENT = ["wp-lieferantenbewertung", "cl-wareneingangspruefung", "wp-oee-steigerung", "webinar-deep-dive"]


def _stream() -> tuple[list, list]:
    rng = random.Random(5)
    bodies = mixed_touchpoints(rng, "eq", 500, 50)
    for i, body in enumerate(bodies):
        body["occurred_at"] = (NOW - timedelta(days=30) + timedelta(minutes=80 * i)).isoformat()
        if body["type"].endswith("_downloaded") or rng.random() < 0.1:
            body["properties"]["content_id"] = rng.choice(CONTENT)
        if i % 7 == 0:
            body["contact"] = {**body["contact"], "anonymous_id": f"visitor-{i % 4}"}
    events = [recorded_event(TouchpointIn.model_validate(b), NOW) for b in bodies]
    stages = [
        LeadStageChanged.new(lead_id=e.lead_id, data=StageChangeData(
            from_stage="prospect", to_stage="marketing_lead", reason="test", changed_by="scoring",
            snapshot=LeadSnapshot(email=e.data.contact.email, persona=rng.choice(["purchasing", "quality", None]),
                                  consent=Consent(email_marketing=True))))
        for e in {e.lead_id: e for e in events}.values()
    ]
    return stages, events


def _wave(stages: list) -> list:
    """Every third lead to sales_ready and straight back (recycled), in one batch: two changes per lead."""
    out = []
    for stage in stages[::3]:
        for to in ("sales_ready", "recycled"):
            data = stage.data.model_copy(update={"from_stage": None, "to_stage": Stage(to), "changed_by": "handoff"})
            out.append(LeadStageChanged.new(lead_id=stage.lead_id, data=data))
    return sorted(out, key=lambda e: e.lead_id)  # each lead's two changes side by side, in order


async def _run(fresh_database, tmp_path, stages, events, wave, batch_size: int) -> tuple[list, dict]:
    engine = make_engine(await fresh_database("nurture"))
    sessions = make_sessionmaker(engine)
    clock = {"now": NOW - timedelta(days=31)}
    handlers = NurtureHandlers(load_catalogue(agreement_dir(tmp_path)), lambda: clock["now"])
    published = []

    def keep(out) -> None:
        published.extend((t, encode(e.model_copy(update={"occurred_at": NOW, "recorded_at": NOW}))) for t, e in out)

    try:
        async def stage_changes(changes) -> None:
            for i in range(0, len(changes), batch_size):
                async with sessions() as session, session.begin():
                    for out in await handlers.on_stage_changes(session, changes[i:i + batch_size]):
                        keep(out)

        await stage_changes(stages)
        for i in range(0, len(events), batch_size):
            if i == len(events) // 2:  # a wave mid-stream: some to sales (journeys end), back to nurture again
                await stage_changes(wave)
            # time passes as the stream does (frequency limits then let more steps out); the same
            # moment for every touchpoint of a window of 200, however they are batched
            window = events[(i // WINDOW) * WINDOW:(i // WINDOW + 1) * WINDOW]
            clock["now"] = window[-1].occurred_at + timedelta(minutes=1)
            async with sessions() as session, session.begin():
                for out in await handlers.on_touchpoints(session, events[i:i + batch_size]):
                    keep(out)
        async with sessions() as session:
            tables = {}
            for table in (nurture_leads, nurture_steps, nurture_consumed, nurture_journeys):
                rows = (await session.execute(select(table))).mappings().all()
                tables[table.name] = sorted(repr(sorted((k, v) for k, v in r.items() if k != "id")) for r in rows)
    finally:
        await engine.dispose()
    return published, tables


async def test_batches_give_the_same_nurture_as_one_touchpoint_at_a_time(fresh_database, tmp_path):
    stages, events = _stream()
    wave = _wave(stages)
    one_by_one, state_one = await _run(fresh_database, tmp_path, stages, events, wave, 1)
    assert len(state_one["nurture_steps"]) > 2 * len(stages) and state_one["nurture_consumed"]  # steps went out
    batched, state_batched = await _run(fresh_database, tmp_path, stages, events, wave, WINDOW)
    assert state_batched == state_one
    assert batched == one_by_one
