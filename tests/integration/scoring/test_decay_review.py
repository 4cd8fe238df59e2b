"""Time passes: a marketing lead whose engagement decays below the threshold drops back, with an event."""

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from lead_events import decode, topics
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.settings import HttpSettings
from scoring.bootstrap import make_app
from scoring.domain.policy import ScoringPolicy
from scoring.handlers import ScoringHandlers
from scoring.review import review_due
from scoring.settings import Settings
from sqlalchemy import text

from tests.builders import a_contact, a_recorded
from tests.kafka_tools import eventually, produce, read_all
from tests.workers import rounds_at_once

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def a_fit_25_contact() -> dict:
    return a_contact(job_title="Sachbearbeiter", company={"name": "Handel GmbH", "employees": 850, "industry": "retail", "country": "DE"})


async def test_quiet_marketing_lead_decays_back_to_prospect(fresh_database, kafka_settings):
    clock = MovableClock()
    settings = Settings(
        database=await fresh_database("scoring"), kafka=kafka_settings, http=HttpSettings(port=0),
        config_dir=ROOT / "config", review_interval_seconds=0.2,
    )
    app = make_app(settings, clock=clock)
    contact = a_fit_25_contact()
    webinar = a_recorded("webinar_attended", contact)
    paper = a_recorded("whitepaper_downloaded", contact)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as client:
            await produce(kafka_settings, topics.TOUCHPOINTS, webinar, paper)

            async def stage() -> str | None:
                answer = await client.get(f"/v1/leads/{webinar.lead_id}")
                return answer.json()["stage"] if answer.status_code == 200 else None

            assert await eventually(lambda: _is(stage, "marketing_lead"))
            lead = (await client.get(f"/v1/leads/{webinar.lead_id}")).json()
            assert lead["decays_below_threshold_at"] is not None
            clock.now += timedelta(days=29)  # still above 40: 25 + 30 * 0.5^(29/30)
            clock.now += timedelta(days=2)   # now 25 + 14.5 < 40
            assert await eventually(lambda: _is(stage, "prospect"))

    changes = [e for e in await read_all(kafka_settings, topics.LEAD_LIFECYCLE) if e.lead_id == webinar.lead_id]
    assert [(c.data.from_stage, c.data.to_stage) for c in changes] == [(None, "marketing_lead"), ("marketing_lead", "prospect")]
    assert changes[-1].data.reason.startswith("Engagement decayed")


async def _is(stage, wanted: str) -> bool:
    return await stage() == wanted


async def test_two_reviewers_at_once_review_each_lead_once(fresh_database):
    """Two scoring workers (`serve worker` scaled past one) share the due reviews through SKIP LOCKED."""
    clock = MovableClock()
    database = await fresh_database("scoring")
    policy = load_model(ROOT / "config" / "agreement.yaml", ScoringPolicy)
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    try:
        for _ in range(12):
            contact = a_fit_25_contact()
            async with sessions.begin() as session:
                await ScoringHandlers(policy, clock).on_touchpoints(
                    session, [a_recorded("webinar_attended", contact), a_recorded("whitepaper_downloaded", contact)])
        clock.now += timedelta(days=31)
        runtime = SimpleNamespace(sessions=sessions, relay=SimpleNamespace(wake=lambda: None))
        reviewers = [ScoringHandlers(policy, clock) for _ in range(2)]  # each process has its own
        reviewed = await rounds_at_once(*(partial(review_due, runtime, h, 3) for h in reviewers))
        async with sessions() as session:
            rows = (await session.execute(text("SELECT value FROM outbox"))).scalars().all()
    finally:
        await engine.dispose()
    assert reviewed == 12  # none claimed by both
    changes = [decode(value) for value in rows]
    assert len({c.lead_id for c in changes if c.data.to_stage == "prospect"}) == len(changes) == 12
