"""lead_runtime.visitors on the real database: which lead a visitor is, the latest identification
winning, and an erasure that forgets the link and shuts out the visitor's earlier events."""

from datetime import timedelta

import pytest
from lead_events import lead_id_for, lead_id_for_visitor
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.erasures import predates_erasure, record_erasure
from lead_runtime.visitors import forget_lead, identify, link_visitor, linked_lead
from reporting.adapters.tables import privacy_erasures, visitor_links
from sqlalchemy import select

from tests.builders import a_contact, a_recorded

pytestmark = pytest.mark.integration


@pytest.fixture
async def session(fresh_database):
    engine = make_engine(await fresh_database("reporting"))  # any touchpoint reader's database has the table
    async with make_sessionmaker(engine)() as session, session.begin():
        yield session
    await engine.dispose()


async def test_a_touchpoint_naming_both_links_and_a_later_anonymous_one_is_the_leads(session):
    named = a_recorded("form_submitted", a_contact(anonymous_id="browser-1"))
    assert await identify(session, visitor_links, named) == named.lead_id
    anonymous = a_recorded("pricing_viewed", {"anonymous_id": "browser-1"})
    assert await identify(session, visitor_links, anonymous) == named.lead_id
    stranger = a_recorded("pricing_viewed", {"anonymous_id": "browser-2"})
    assert await identify(session, visitor_links, stranger) is None


async def test_the_latest_identification_wins_whatever_order_they_are_handled_in(session):
    visitor, at = lead_id_for_visitor("shared-pc"), a_recorded("page_visited", a_contact()).occurred_at
    anna, ben = lead_id_for("anna@example-industrie.de"), lead_id_for("ben@example-industrie.de")
    await link_visitor(session, visitor_links, visitor, ben, at + timedelta(hours=1))
    await link_visitor(session, visitor_links, visitor, anna, at)  # older, handled later
    assert await linked_lead(session, visitor_links, visitor) == ben


async def test_an_erasure_forgets_the_links_and_shuts_out_the_visitors_earlier_events(session):
    named = a_recorded("form_submitted", a_contact(anonymous_id="browser-3"))
    await identify(session, visitor_links, named)
    visitor = lead_id_for_visitor("browser-3")
    forgotten = await forget_lead(session, visitor_links, named.lead_id)
    assert forgotten == [visitor]
    assert await linked_lead(session, visitor_links, visitor) is None
    requested = named.occurred_at + timedelta(minutes=5)
    await record_erasure(session, privacy_erasures, "e-3", named.lead_id, requested, requested, visitor_ids=forgotten)
    rows = {r.lead_id: r.requested_at for r in (await session.execute(select(privacy_erasures))).all()}
    assert rows == {named.lead_id: requested, visitor: requested}
    assert predates_erasure("touchpoint.recorded", requested - timedelta(seconds=1), rows[visitor])
