"""The global pause switch: the agreement's `paused: true` or the operator's switch holds every
step; what falls due meanwhile goes out once nurturing resumes."""

from dataclasses import replace

from nurture.domain import Blocker, plan_next
from nurture.handlers import NurtureHandlers

from .builders import NOW, a_catalogue, a_lead
from .fakes import FakeNurtureLeads, FixedClock
from .test_handlers import LEAD, a_stage_change


def test_a_pause_holds_the_step_and_says_why():
    plan = plan_next(a_lead(), [], set(), a_catalogue(), NOW, paused="mail server migration")
    assert plan.nothing_due.blocker == Blocker.PAUSED
    assert "mail server migration" in plan.nothing_due.text
    assert plan.step.item.id == "ml-ausschreibung"  # still shown: what goes out on resume


def test_a_pause_does_not_hide_why_a_lead_gets_nothing_anyway():
    plan = plan_next(a_lead(consent=None), [], set(), a_catalogue(), NOW, paused="migration")
    assert plan.nothing_due.blocker == Blocker.NO_CONSENT


def wiring(catalogue=None):
    repo = FakeNurtureLeads()
    handlers = NurtureHandlers(catalogue or a_catalogue(), FixedClock(NOW), repository=lambda _s: repo)
    return handlers, repo


async def test_operator_pause_sends_nothing_and_keeps_the_lead_due():
    handlers, repo = wiring()
    repo.paused = (True, "Mail server migration", NOW)
    assert await handlers.on_lead_stage_changed(None, a_stage_change()) == []
    assert repo.next_due_at[LEAD] == NOW  # the worker sends it once the pause is lifted
    assert "Mail server migration" in await handlers.paused(repo)


async def test_after_the_pause_the_worker_sends_what_fell_due():
    handlers, repo = wiring()
    repo.paused = (True, "migration", NOW)
    await handlers.on_lead_stage_changed(None, a_stage_change())
    repo.paused = (False, None, NOW)
    published = await handlers.decide_many(repo, await repo.due(NOW, 10), NOW)
    assert [e.data.content_id for _, e in published] == ["ml-ausschreibung"]


async def test_the_agreement_pause_holds_everything_and_names_the_file():
    handlers, repo = wiring(replace(a_catalogue(), paused=True))
    assert await handlers.on_lead_stage_changed(None, a_stage_change()) == []
    assert "nurture.yaml" in await handlers.paused(repo)
