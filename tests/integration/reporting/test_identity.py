"""Reporting joins a visitor to the lead they become, as scoring does: the anonymous first visit
(with its campaign) counts as the lead's first touch in attribution and in the by-campaign slices."""

from datetime import UTC, datetime, timedelta

import pytest
from lead_events import (
    ErasureData, LeadStageChanged, PrivacyErasureRequested, Stage, StageChangeData, lead_id_for, lead_id_for_visitor,
)
from lead_runtime.db import make_engine, make_sessionmaker

from reporting import handlers
from reporting.adapters.repository import SqlReadModel
from reporting.domain.attribution import attribution
from reporting.domain.model import Period
from tests.builders import a_contact, a_recorded

pytestmark = pytest.mark.integration


@pytest.fixture
async def sessions(fresh_database):
    engine = make_engine(await fresh_database("reporting"))
    yield make_sessionmaker(engine)
    await engine.dispose()


async def test_a_visitors_touches_become_the_leads_when_they_name_themselves(sessions):
    contact = a_contact(anonymous_id="visitor-4711")
    lead_id, visitor_id = lead_id_for(contact["email"]), lead_id_for_visitor("visitor-4711")
    visit = a_recorded("page_visited", {"anonymous_id": "visitor-4711"}, utm_campaign="spring-webinar")
    visit = visit.model_copy(update={"occurred_at": visit.occurred_at - timedelta(days=2)})
    form = a_recorded("form_submitted", contact)  # no campaign on the form itself
    ready = LeadStageChanged.new(lead_id=lead_id, occurred_at=form.occurred_at + timedelta(seconds=1), data=StageChangeData(
        from_stage=None, to_stage=Stage.MARKETING_LEAD, reason="form", changed_by="scoring"))
    async with sessions() as session, session.begin():
        for event in (visit, form):
            await handlers.on_touchpoint_recorded(session, event)
        await handlers.on_stage_changed(session, ready)
    async with sessions() as session:
        history = await SqlReadModel(session).history()

    assert {t.lead_id for t in history.touches} == {lead_id}
    assert visitor_id not in history.leads
    assert (history.leads[lead_id].source, history.leads[lead_id].campaign) == ("test-suite", "spring-webinar")
    always = Period(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    credit = attribution(history, Stage.MARKETING_LEAD.value, always)
    assert credit["leads"] == 1
    first = [i for i in credit["items"] if i["first_touch"] == 1]
    assert [i["item"] for i in first] == ["page_visited"]


async def test_a_known_lead_without_visitor_history_is_left_as_it_was(sessions):
    contact = a_contact(anonymous_id="visitor-new")
    lead_id = lead_id_for(contact["email"])
    async with sessions() as session, session.begin():
        await handlers.on_touchpoint_recorded(session, a_recorded("webinar_attended", contact, utm_campaign="autumn"))
    async with sessions() as session:
        history = await SqlReadModel(session).history()
    assert history.leads[lead_id].campaign == "autumn" and len(history.touches) == 1


async def test_a_known_visitors_later_visits_are_the_leads_until_the_person_is_erased(sessions):
    contact = a_contact(anonymous_id="visitor-99")
    lead_id, visitor_id = lead_id_for(contact["email"]), lead_id_for_visitor("visitor-99")
    async with sessions() as session, session.begin():
        await handlers.on_touchpoint_recorded(session, a_recorded("form_submitted", contact))
        await handlers.on_touchpoint_recorded(session, a_recorded("pricing_viewed", {"anonymous_id": "visitor-99"}))
    async with sessions() as session:
        history = await SqlReadModel(session).history()
    assert [t.lead_id for t in history.touches] == [lead_id, lead_id]

    erasure = PrivacyErasureRequested.new(lead_id=lead_id, data=ErasureData(erasure_id="e-99"))
    async with sessions() as session, session.begin():
        await handlers.on_erasure_requested(session, erasure)
        await handlers.on_touchpoint_recorded(session, a_recorded("pricing_viewed", {"anonymous_id": "visitor-99"}))
    async with sessions() as session:
        history = await SqlReadModel(session).history()
    assert [t.lead_id for t in history.touches][-1] == visitor_id  # the browser is anonymous again
