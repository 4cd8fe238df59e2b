"""Reporting's batch path writes the same read model as one touchpoint at a time."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from lead_events import TouchpointIn
from lead_runtime.db import make_engine, make_sessionmaker
from reporting import handlers
from reporting.adapters.tables import lead_facts, touches
from sqlalchemy import select

from ingest.domain.normalise import recorded_event
from tools.bench_data import mixed_touchpoints

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _stream() -> list:
    rng = random.Random(11)
    bodies = mixed_touchpoints(rng, "eq", 400, 40)
    for i, body in enumerate(bodies):
        body["occurred_at"] = (NOW - timedelta(days=20) + timedelta(minutes=70 * i)).isoformat()
        body["properties"]["utm_campaign"] = rng.choice([None, "autumn", "tender-2027"])
        if i % 9 == 0:  # a browser before its person names themselves, and afterwards
            body["contact"] = {**body["contact"], "anonymous_id": f"visitor-{i % 5}"}
        if i % 13 == 0:
            body["contact"] = {"anonymous_id": f"visitor-{i % 5}"}
    return [recorded_event(TouchpointIn.model_validate(b), NOW) for b in bodies]


async def _run(fresh_database, events, batch_size: int) -> dict:
    engine = make_engine(await fresh_database("reporting"))
    sessions = make_sessionmaker(engine)
    try:
        for i in range(0, len(events), batch_size):
            async with sessions() as session, session.begin():
                await handlers.on_touchpoints(session, events[i:i + batch_size])
        async with sessions() as session:
            return {
                "touches": sorted(tuple(r) for r in (await session.execute(select(touches))).all()),
                "facts": sorted(tuple(r) for r in (await session.execute(select(lead_facts))).all()),
            }
    finally:
        await engine.dispose()


async def test_batches_write_the_same_read_model_as_one_at_a_time(fresh_database):
    events = _stream()
    one_by_one = await _run(fresh_database, events, 1)
    assert len(one_by_one["touches"]) == 400 and any(f[3] for f in one_by_one["facts"])  # campaigns present
    assert await _run(fresh_database, events, 200) == one_by_one
