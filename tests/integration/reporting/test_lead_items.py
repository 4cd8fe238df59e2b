"""The tallies read a lead's content items from `lead_items` (a row per item it touched), not its
touches: a lead with hundreds of touches of a few items costs a batch a few rows, and the
figures stay those of the definitions through a visitor's adoption and an erasure."""

from datetime import UTC, datetime, timedelta

import pytest
from lead_events import (
    ErasureData, LeadStageChanged, PrivacyErasureRequested, Stage, StageChangeData, lead_id_for, lead_id_for_visitor,
)
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import text

from reporting import handlers, reports
from reporting.adapters.report_queries import SqlReports
from reporting.adapters.repository import SqlReadModel
from reporting.adapters.tallies import _GROUPS, _TIMELINES
from reporting.domain.model import Period
from tests.builders import a_contact, a_recorded
from tests.integration.reporting.rebuilt import kept, rebuilt

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ITEMS = ["wp-1", "wp-2", "wb-7"]


@pytest.fixture
async def sessions(fresh_database):
    engine = make_engine(await fresh_database("reporting"))
    yield make_sessionmaker(engine)
    await engine.dispose()


def _at(touch, when: datetime):
    return touch.model_copy(update={"occurred_at": when})


def _stage(lead_id: str, from_stage, to_stage, at: datetime) -> LeadStageChanged:
    return LeadStageChanged.new(lead_id=lead_id, occurred_at=at, data=StageChangeData(
        from_stage=from_stage, to_stage=to_stage, reason="score", changed_by="scoring"))


async def _tallies_equal_the_backfill(session) -> list:
    """The tallies kept, after checking they (and the rest the read model keeps as events arrive)
    equal those migrations 0004, 0005 and 0008 build from everything."""
    as_kept = await kept(session)
    assert await rebuilt(session) == as_kept
    return as_kept["stage_tallies"]


async def test_a_lead_with_many_touches_of_few_items_is_tallied_as_its_definitions_say(sessions):
    contact = a_contact(anonymous_id="visitor-many")
    lead_id, visitor_id = lead_id_for(contact["email"]), lead_id_for_visitor("visitor-many")
    start = NOW - timedelta(days=20)
    visits = [_at(a_recorded("page_visited", {"anonymous_id": "visitor-many"}, content_id="cs-9"), start + timedelta(minutes=i))
              for i in range(40)]  # the visitor's item, theirs until they name themselves
    touches = [_at(a_recorded("whitepaper_downloaded", contact, content_id=ITEMS[i % 3]), start + timedelta(hours=1, minutes=i))
               for i in range(600)]
    async with sessions() as session, session.begin():
        await handlers.on_touchpoints(session, visits)
        await handlers.on_stage_changed(session, _stage(lead_id, None, Stage.PROSPECT, start + timedelta(minutes=30)))
        for i in range(0, len(touches), 200):  # the named touches adopt the visitor's on the first of them
            await handlers.on_touchpoints(session, touches[i:i + 200])
        await handlers.on_stage_changed(session, _stage(lead_id, Stage.PROSPECT, Stage.MARKETING_LEAD, start + timedelta(days=2)))
        await handlers.on_stage_changed(session, _stage(lead_id, Stage.MARKETING_LEAD, Stage.SALES_READY, start + timedelta(days=5)))
    async with sessions() as session, session.begin():
        items = (await session.execute(text("SELECT lead_id, item FROM lead_items ORDER BY 2"))).all()
        assert items == [(lead_id, item) for item in sorted([*ITEMS, "cs-9"])]  # the visitor's rows went to the lead
        kept = await _tallies_equal_the_backfill(session)
        content = {(grp, span, stage) for dimension, grp, span, _, stage, _ in kept if dimension == "content"}
        assert {grp for grp, _, _ in content} == {*ITEMS, "cs-9"}
        history = await SqlReadModel(session).history()
        assert len(history.touches) == 640
        period = Period(NOW - timedelta(days=30), NOW)
        assert await reports.funnel_from(SqlReports(session), period, NOW, "content") == \
            reports.funnel_report(history, period, NOW, "content")
        erasure = PrivacyErasureRequested.new(lead_id=lead_id, data=ErasureData(erasure_id="erasure-many"))
        await handlers.on_erasure_requested(session, erasure)
        assert await _tallies_equal_the_backfill(session) == kept  # an erasure keeps the counts (no personal data)
        assert visitor_id not in {t.lead_id for t in (await SqlReadModel(session).history()).touches}


async def test_the_write_path_reads_a_leads_items_not_its_touches(sessions):
    """Flatness, as the plans show it: the groups read `lead_items` and the stage changes
    `stage_events`, never `touches`."""
    async with sessions() as session:
        plans = ["\n".join(r[0] for r in await session.execute(text(f"EXPLAIN {q.text}"), {"leads": ["lead-a", "lead-b"]}))
                 for q in (_GROUPS, _TIMELINES)]
    assert "lead_items" in plans[0] and "stage_events" in plans[1]
    assert not any("touches" in plan for plan in plans)


async def test_a_batch_of_stage_changes_leaves_each_lead_the_persona_of_its_latest_snapshot(sessions):
    """One batch as the consumer hands it: events in order; a snapshot without a persona keeps the
    one before it; the tallies are those migration 0004 builds from the stored events."""
    from lead_events import LeadSnapshot

    start = NOW - timedelta(days=3)

    def change(lead_id, from_stage, to_stage, minutes, persona):
        event = _stage(lead_id, from_stage, to_stage, start + timedelta(minutes=minutes))
        return event.model_copy(update={"data": event.data.model_copy(update={"snapshot": LeadSnapshot(persona=persona)})})

    batch = [
        change("lead-p", None, Stage.PROSPECT, 1, "purchasing"), change("lead-q", None, Stage.PROSPECT, 2, "production"),
        change("lead-p", Stage.PROSPECT, Stage.MARKETING_LEAD, 3, "management"),
        change("lead-q", Stage.PROSPECT, Stage.MARKETING_LEAD, 4, None),
    ]
    async with sessions() as session, session.begin():
        await handlers.on_stage_changes(session, batch)
        facts = {r.lead_id: r.persona for r in (await session.execute(text("SELECT lead_id, persona FROM lead_facts"))).all()}
        assert facts == {"lead-p": "management", "lead-q": "production"}
        kept = await _tallies_equal_the_backfill(session)
        assert ("persona", "management", "marketing_lead") in {(r[0], r[1], r[4]) for r in kept}


async def test_a_visitor_whose_touches_were_purged_still_hands_its_items_to_the_lead(sessions):
    """REPORTING_RETENTION_DAYS may purge a visitor's touches before the visitor names themselves:
    the content they touched stays theirs (lead_items), and becomes the lead's."""
    contact = a_contact(anonymous_id="visitor-purged")
    lead_id, visitor_id = lead_id_for(contact["email"]), lead_id_for_visitor("visitor-purged")
    visit = _at(a_recorded("page_visited", {"anonymous_id": "visitor-purged"}, content_id="cs-old"), NOW - timedelta(days=9))
    async with sessions() as session, session.begin():
        await handlers.on_touchpoints(session, [visit])
        await session.execute(text("DELETE FROM touches WHERE lead_id = :v"), {"v": visitor_id})  # as a purge does
        await handlers.on_touchpoints(session, [_at(a_recorded("whitepaper_downloaded", contact, content_id="wp-1"),
                                                    NOW - timedelta(days=1))])
    async with sessions() as session:
        items = (await session.execute(text("SELECT lead_id, item FROM lead_items ORDER BY 2"))).all()
    assert items == [(lead_id, "cs-old"), (lead_id, "wp-1")]
