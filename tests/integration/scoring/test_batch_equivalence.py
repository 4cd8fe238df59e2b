"""The batch path gives every lead exactly what the one-at-a-time path gives: same profile,
consent, stage, episode, ledger, stage history and published events, for a realistic stream."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lead_events import TouchpointIn, encode
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from scoring.adapters.tables import leads, score_changes, stage_changes
from scoring.domain.behaviour_state import BehaviourState
from scoring.domain.model import ScoreLine
from scoring.domain.policy import ScoringPolicy
from scoring.domain.rules.decay import engagement_at
from scoring.handlers import ScoringHandlers
from sqlalchemy import select

from ingest.domain.normalise import recorded_event
from tools.bench_data import mixed_touchpoints

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _stream() -> list:
    rng = random.Random(7)
    bodies = mixed_touchpoints(rng, "eq", 600, 60)
    for i, body in enumerate(bodies):  # spread over 40 days, in order, so decay and caps windows matter
        body["occurred_at"] = (NOW - timedelta(days=40) + timedelta(minutes=96 * i)).isoformat()
    for body in bodies[::37]:
        body["type"] = "contact_requested"
    for body in bodies[5::53]:
        body["type"], body["consent"] = "unsubscribed", None
    return [recorded_event(TouchpointIn.model_validate(b), NOW) for b in bodies]


async def _run(fresh_database, events, batch_size: int) -> tuple[list, dict]:
    engine = make_engine(await fresh_database("scoring"))
    handlers = ScoringHandlers(load_model(ROOT / "config/agreement.yaml", ScoringPolicy), lambda: NOW)
    sessions = make_sessionmaker(engine)
    emitted = []
    try:
        for i in range(0, len(events), batch_size):
            async with sessions() as session, session.begin():
                for out in await handlers.on_touchpoints(session, events[i:i + batch_size]):
                    # the wall-clock stamps aside, byte for byte
                    emitted += [(topic, encode(e.model_copy(update={"occurred_at": NOW, "recorded_at": NOW})))
                                for topic, e in out]
        async with sessions() as session:
            rows = (await session.execute(select(leads))).all()
            lead_rows = {r.lead_id: (r.profile, r.consent, r.stage, r.persona, r.episode, r.review_at) for r in rows}
            running = {r.lead_id: (BehaviourState.from_json(r.behaviour), r.engagement_since) for r in rows}
            lines = (await session.execute(select(score_changes).order_by(score_changes.c.id))).all()
            ledger = sorted((r.lead_id, r.touchpoint_id, r.rule, r.points, r.detail, r.strong) for r in lines)
            by_lead: dict[str, list[ScoreLine]] = {}
            for r in lines:
                by_lead.setdefault(r.lead_id, []).append(ScoreLine(r.rule, r.points, r.touchpoint_id, r.detail,
                                                                   r.occurred_at, r.strong))
            stages = sorted((r.event_id, r.lead_id, r.from_stage, r.to_stage, r.reason)
                            for r in (await session.execute(select(stage_changes))).all())
    finally:
        await engine.dispose()
    # the oracle: the whole ledger summed again, as scoring did before it kept running state
    for lead_id, (state, since) in running.items():
        whole = by_lead.get(lead_id, [])
        expected = engagement_at(whole, NOW, state.half_life_days, since)
        assert abs(state.engagement(NOW) - expected) < 1e-6, lead_id
        assert {l.touchpoint_id for l in state.latest} <= {l.touchpoint_id for l in whole}
    return emitted, {"leads": lead_rows, "ledger": ledger, "stages": stages}


async def test_batches_of_200_give_the_same_leads_as_one_touchpoint_at_a_time(fresh_database):
    events = _stream()
    one_by_one, state_one = await _run(fresh_database, events, 1)
    batched, state_batched = await _run(fresh_database, events, 200)
    assert len(state_one["leads"]) == 60 and any(s[2] == "sales_ready" for s in state_one["leads"].values())
    assert state_batched == state_one
    assert batched == one_by_one  # the same events, byte for byte, in the same order
