"""Reporting keeps no personal data; it records that it honoured an erasure."""

import pytest
from lead_events import ErasureData, PrivacyErasureRequested, lead_id_for
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import select

from reporting import handlers
from reporting.adapters.tables import privacy_erasures
from tests.builders import a_contact, a_recorded
from tests.privacy_check import columns_mentioning

pytestmark = pytest.mark.integration


async def test_read_model_holds_no_email_and_records_the_erasure(fresh_database):
    database = await fresh_database("reporting")
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    contact = a_contact()
    lead_id = lead_id_for(contact["email"])
    try:
        async with sessions() as session, session.begin():
            await handlers.on_touchpoint_recorded(session, a_recorded("webinar_attended", contact))
            erasure = PrivacyErasureRequested.new(lead_id=lead_id, data=ErasureData(erasure_id="erasure-1"))
            assert await handlers.on_erasure_requested(session, erasure) == []
        assert await columns_mentioning(database.url.get_secret_value(), contact["email"]) == []
        async with sessions() as session:
            rows = (await session.execute(select(privacy_erasures))).all()
        assert [(r.erasure_id, r.lead_id) for r in rows] == [("erasure-1", lead_id)]
    finally:
        await engine.dispose()
