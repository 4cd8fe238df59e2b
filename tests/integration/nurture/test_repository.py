"""SqlNurtureLeads against a real, migrated PostgreSQL; each test rolls back (unique ids where it commits)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from lead_events import Stage
from lead_runtime.db import make_engine, make_sessionmaker
from nurture.adapters.repository import SqlNurtureLeads
from nurture.domain import LeadState, SentStep
from sqlalchemy.ext.asyncio import AsyncSession

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
async def engine(fresh_database):
    engine = make_engine(await fresh_database("nurture"))
    yield engine
    await engine.dispose()


@pytest.fixture
async def repo(engine):
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        yield SqlNurtureLeads(session)
        await session.close()
        await transaction.rollback()


def a_lead(**overrides) -> LeadState:
    values = dict(
        lead_id=f"lead-{uuid.uuid4().hex[:12]}", email="anna.schmidt@example-industrie.de", persona="purchasing",
        stage=Stage.MARKETING_LEAD, consent=True, consent_at=NOW - DAY, updated_at=NOW,
    )
    return LeadState(**(values | overrides))


def a_step(content_id: str, sent_at: datetime, lead_id: str = "x") -> SentStep:
    return SentStep(
        step_id=f"{lead_id}:{content_id}", content_id=content_id, title=f"Titel {content_id}",
        track="marketing_lead.purchasing", stage=Stage.MARKETING_LEAD, sent_at=sent_at,
    )


async def add(repo, lead_id, step, correlation="corr-1"):
    return await repo.add_step(lead_id, step, event_id=f"ev-{step.step_id}", cause_event_id="cause", correlation_id=correlation)


async def test_a_saved_lead_reads_back_the_same(repo):
    lead = a_lead(unsubscribed_at=NOW - 2 * DAY, handed_off=True, stage=Stage.RECYCLED)
    await repo.save(lead, next_due_at=NOW + DAY)
    assert await repo.get(lead.lead_id) == lead


async def test_saving_again_updates_the_lead(repo):
    lead = a_lead()
    await repo.save(lead, next_due_at=None)
    changed = LeadState(**(vars(lead) | {"stage": Stage.SALES_READY, "consent": False}))
    await repo.save(changed, next_due_at=None)
    assert await repo.get(lead.lead_id, lock=True) == changed


async def test_lead_known_only_from_a_touchpoint_has_no_stage(repo):
    lead = a_lead(stage=None, persona=None, consent=None, consent_at=None)
    await repo.save(lead, next_due_at=None)
    assert (await repo.get(lead.lead_id)).stage is None


async def test_unknown_lead_is_none(repo):
    assert await repo.get("no-such-lead") is None


async def test_the_same_content_is_recorded_once_per_lead(repo):
    lead_id = a_lead().lead_id
    assert await add(repo, lead_id, a_step("wp-oee", NOW, lead_id)) is True
    again = SentStep(**(vars(a_step("wp-oee", NOW + DAY, lead_id)) | {"step_id": "another-id"}))
    assert await add(repo, lead_id, again) is False
    assert [s.step_id for s in await repo.steps(lead_id)] == [f"{lead_id}:wp-oee"]


async def test_steps_come_in_the_order_they_were_sent(repo):
    lead_id = a_lead().lead_id
    await add(repo, lead_id, a_step("second", NOW, lead_id))
    await add(repo, lead_id, a_step("first", NOW - DAY, lead_id), correlation="corr-old")
    steps = await repo.steps(lead_id)
    assert [s.content_id for s in steps] == ["first", "second"]
    assert steps[0].title == "Titel first" and steps[0].stage == Stage.MARKETING_LEAD
    assert await repo.last_correlation_id(lead_id) == "corr-1"


async def test_a_step_is_answered_once(repo):
    lead_id = a_lead().lead_id
    step = a_step("wp-oee", NOW - DAY, lead_id)
    await add(repo, lead_id, step)
    await repo.mark_answered(step.step_id, NOW)
    await repo.mark_answered(step.step_id, NOW + DAY)
    [read] = await repo.steps(lead_id)
    assert read.answered_at == NOW


async def test_content_taken_up_is_remembered_once(repo):
    lead_id = a_lead().lead_id
    await repo.add_consumed(lead_id, "wp-oee", NOW, "tp-1")
    await repo.add_consumed(lead_id, "wp-oee", NOW + DAY, "tp-2")
    await repo.add_consumed(lead_id, "cs-value", NOW, "tp-3")
    assert await repo.consumed(lead_id) == {"wp-oee", "cs-value"}


async def test_a_visitors_content_becomes_the_leads_also_when_both_took_it_up(repo):
    visitor, lead = f"visitor-{uuid.uuid4().hex[:8]}", f"lead-{uuid.uuid4().hex[:8]}"
    await repo.add_consumed(visitor, "whitepaper", NOW - DAY, "e1")
    await repo.add_consumed(visitor, "webinar", NOW - 2 * DAY, "e2")
    await repo.add_consumed(lead, "webinar", NOW, "e3")
    await repo.adopt_visitor(visitor, lead)
    taken = await repo.taken_up_for([visitor, lead])
    assert taken == {lead: {"whitepaper": NOW - DAY, "webinar": NOW}}  # the lead's own record wins


async def test_due_finds_leads_whose_time_has_come(repo):
    due, later, never = a_lead(), a_lead(), a_lead()
    await repo.save(due, next_due_at=NOW - DAY)
    await repo.save(later, next_due_at=NOW + DAY)
    await repo.save(never, next_due_at=None)
    found = {lead.lead_id for lead in await repo.due(NOW, 1000)}
    assert due.lead_id in found
    assert not found & {later.lead_id, never.lead_id}


async def test_due_skips_a_lead_another_transaction_holds(engine):
    sessions = make_sessionmaker(engine)
    held, free = a_lead(), a_lead()
    far_past = NOW - 3650 * DAY  # ahead of any other test's due leads
    async with sessions() as session, session.begin():
        await SqlNurtureLeads(session).save(held, next_due_at=far_past)
        await SqlNurtureLeads(session).save(free, next_due_at=far_past)
    async with sessions() as holder, holder.begin():
        await SqlNurtureLeads(holder).get(held.lead_id, lock=True)
        async with sessions() as worker, worker.begin():
            found = {lead.lead_id for lead in await SqlNurtureLeads(worker).due(NOW, 1000)}
    assert free.lead_id in found
    assert held.lead_id not in found
