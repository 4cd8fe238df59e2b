"""Scoring honours an erasure on the real database: the person is gone, the figures stay."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lead_events import ErasureData, PrivacyErasureRequested
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import select

from scoring.adapters.repository import SqlLeadScores
from scoring.adapters.tables import privacy_erasures
from scoring.domain.policy import ScoringPolicy
from scoring.erasure import on_erasure_requested
from scoring.domain.score import score_lead
from scoring.handlers import ScoringHandlers, snapshot
from tests.builders import a_contact, a_recorded
from tests.privacy_check import columns_mentioning

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


async def test_erasure_anonymises_the_lead_and_its_touchpoints_and_keeps_the_scores(fresh_database):
    database = await fresh_database("scoring")
    url = database.url.get_secret_value()
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    handlers = ScoringHandlers(load_model(ROOT / "config/agreement.yaml", ScoringPolicy))
    contact = a_contact()
    email = contact["email"]
    webinar = a_recorded("webinar_attended", contact, questions_asked=2)
    form = a_recorded("form_submitted", contact, message=f"Please write to {email}")
    try:
        for event in (webinar, form):
            async with sessions() as session, session.begin():
                await handlers.on_touchpoint_recorded(session, event)
        async with sessions() as session:
            before = await SqlLeadScores(session).get(webinar.lead_id)
            ledger = await SqlLeadScores(session).ledger(webinar.lead_id)
        assert before.consent["source"] == "test-suite" and before.consent["stated_at"]  # consent with source and time
        assert await columns_mentioning(url, email)

        erasure = PrivacyErasureRequested.new(lead_id=webinar.lead_id, data=ErasureData(erasure_id="erasure-1"))
        async with sessions() as session, session.begin():
            assert await on_erasure_requested(session, erasure) == []

        assert await columns_mentioning(url, email) == []
        assert await columns_mentioning(url, "Schmidt") == []
        async with sessions() as session:
            repo = SqlLeadScores(session)
            after = await repo.get(webinar.lead_id)
            assert after.stage == before.stage and after.profile.company_name == before.profile.company_name
            assert await repo.ledger(webinar.lead_id) == ledger
            assert await repo.touchpoint_count(webinar.lead_id) == 2
            recorded = (await session.execute(select(privacy_erasures))).all()
        assert [(r.erasure_id, r.lead_id) for r in recorded] == [("erasure-1", webinar.lead_id)]
        # what scoring emits about the lead later is built from the scrubbed rows
        now = datetime.now(UTC)
        later = snapshot(after, score_lead(after.profile, ledger, now, handlers.policy), now)
        assert later.email is None and later.last_name is None and later.company.name == "Example Industrie GmbH"
    finally:
        await engine.dispose()
