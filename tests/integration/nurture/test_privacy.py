"""Nurture honours an erasure on the real database: no address left, queued pushes cancelled."""

import pytest
from lead_events import (
    ErasureData, LeadSnapshot, LeadStageChanged, PrivacyErasureRequested, Stage, StageChangeData, lead_id_for,
)
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import select

from nurture.adapters.repository import SqlNurtureLeads
from nurture.adapters.tables import nurture_deliveries, privacy_erasures
from nurture.agreement import load_catalogue
from nurture.erasure import on_erasure_requested
from nurture.handlers import NurtureHandlers
from tests.builders import a_contact, a_recorded
from tests.privacy_check import columns_mentioning

from .config import agreement_dir

pytestmark = pytest.mark.integration


async def test_erasure_removes_the_address_and_cancels_queued_pushes(fresh_database, tmp_path):
    database = await fresh_database("nurture")
    url = database.url.get_secret_value()
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    handlers = NurtureHandlers(load_catalogue(agreement_dir(tmp_path)), push=True)
    contact = a_contact()
    email, lead_id = contact["email"], lead_id_for(contact["email"])
    snapshot = LeadSnapshot(email=email, first_name="Anna", last_name="Schmidt", persona="purchasing",
                            consent={"email_marketing": True, "source": "website-form"})
    mql = LeadStageChanged.new(lead_id=lead_id, data=StageChangeData(
        from_stage=Stage.PROSPECT, to_stage=Stage.MARKETING_LEAD, reason="test", changed_by="scoring", snapshot=snapshot))
    try:
        async with sessions() as session, session.begin():
            await handlers.on_touchpoint_recorded(session, a_recorded("whitepaper_downloaded", contact))
            steps = await handlers.on_lead_stage_changed(session, mql)
        assert steps and steps[0][1].data.email == email
        async with sessions() as session:
            lead = await SqlNurtureLeads(session).get(lead_id)
        assert (lead.consent, lead.consent_source) == (True, "test-suite")  # stated by the touchpoint's source
        assert await columns_mentioning(url, email)

        erasure = PrivacyErasureRequested.new(lead_id=lead_id, data=ErasureData(erasure_id="erasure-1"))
        async with sessions() as session, session.begin():
            assert await on_erasure_requested(session, erasure) == []

        assert await columns_mentioning(url, email) == []
        async with sessions() as session:
            assert (await SqlNurtureLeads(session).get(lead_id)).email is None
            statuses = (await session.execute(select(nurture_deliveries.c.status))).scalars().all()
            recorded = (await session.execute(select(privacy_erasures.c.erasure_id))).scalars().all()
        assert set(statuses) == {"cancelled"} and recorded == ["erasure-1"]
        recycled = LeadStageChanged.new(lead_id=lead_id, data=StageChangeData(  # scoring's snapshots now have no email
            from_stage=Stage.MARKETING_LEAD, to_stage=Stage.RECYCLED, reason="test", changed_by="handoff",
            snapshot=LeadSnapshot(persona="purchasing")))
        async with sessions() as session, session.begin():
            assert await handlers.on_lead_stage_changed(session, recycled) == []  # nothing can be sent any more
    finally:
        await engine.dispose()
