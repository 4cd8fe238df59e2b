"""Handoff honours an erasure on the real database: payload snapshot and free text lose the person."""

from datetime import UTC, datetime

import pytest
from lead_events import CrmFeedbackReceived, ErasureData, FeedbackData, Outcome, PrivacyErasureRequested
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import select

from handoff.adapters.tables import handoffs, privacy_erasures
from handoff.agreement import load_policy
from handoff.erasure import on_erasure_requested
from handoff.handlers import on_crm_feedback, on_lead_stage_changed, utc_now
from tests.privacy_check import columns_mentioning

from .support import CONFIG_DIR, an_email, sales_ready

pytestmark = pytest.mark.integration


async def test_erasure_scrubs_the_handoff_and_feedback_and_cancels_a_pending_push(fresh_database):
    database = await fresh_database("handoff")
    url = database.url.get_secret_value()
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    policy = load_policy(CONFIG_DIR, 5)
    email = an_email()
    ready = sales_ready(email)
    feedback = CrmFeedbackReceived.new(lead_id=ready.lead_id, data=FeedbackData(
        outcome=Outcome.CONTACTED, reason=f"left a voicemail, mailed {email}", at=datetime.now(UTC)))
    try:
        async with sessions() as session, session.begin():
            assert await on_lead_stage_changed(session, ready, policy=policy, clock=utc_now, push=True)
            await on_crm_feedback(session, feedback, policy=policy)
        assert await columns_mentioning(url, email)

        erasure = PrivacyErasureRequested.new(lead_id=ready.lead_id, data=ErasureData(erasure_id="erasure-1"))
        async with sessions() as session, session.begin():
            assert await on_erasure_requested(session, erasure) == []

        assert await columns_mentioning(url, email) == []
        assert await columns_mentioning(url, "Schmidt") == []
        async with sessions() as session:
            row = (await session.execute(select(handoffs).where(handoffs.c.lead_id == ready.lead_id))).one()
            recorded = (await session.execute(select(privacy_erasures.c.erasure_id))).scalars().all()
        assert row.delivery_status == "cancelled" and row.payload["lead"]["fit_grade"] == "A"
        assert recorded == ["erasure-1"]
    finally:
        await engine.dispose()
