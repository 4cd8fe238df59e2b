"""Use cases: a lifecycle event or a touchpoint updates the lead, then nurture decides.

Handlers get the runtime's session (one transaction per batch, never committed here) and
return the events to publish; the runtime writes them to the outbox.
"""

from datetime import UTC, datetime

from lead_events import (
    Envelope, LeadStageChanged, NurtureStepData, NurtureStepTriggered, TouchpointRecorded,
    derived_event_id, topics,
)
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlNurtureLeads
from .domain import (
    Catalogue, LeadState, NextStep, Plan, SentStep, answers_step, apply_stage_change,
    apply_touchpoint, content_taken_up, plan_next,
)
from .ports import Clock, NurtureLeads, RepositoryFactory

Publish = tuple[str, Envelope]


def utc_now() -> datetime:
    return datetime.now(UTC)


def step_id_for(lead_id: str, content_id: str) -> str:
    """One step per lead and content, ever: the delivery system's idempotency key."""
    return derived_event_id("nurture-step", lead_id, content_id)


class NurtureHandlers:
    def __init__(
        self, catalogue: Catalogue, clock: Clock = utc_now, repository: RepositoryFactory = SqlNurtureLeads
    ) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self._repository = repository

    def repository(self, session: AsyncSession) -> NurtureLeads:
        return self._repository(session)

    async def on_lead_stage_changed(self, session: AsyncSession, event: LeadStageChanged) -> list[Publish]:
        repo, now = self.repository(session), self.clock()
        data, snapshot = event.data, event.data.snapshot
        lead = apply_stage_change(
            await repo.get(event.lead_id, lock=True),
            event.lead_id,
            to_stage=data.to_stage,
            persona=snapshot.persona,
            email=snapshot.email,
            consent=snapshot.consent.email_marketing if snapshot.consent else None,
            now=now,
        )
        return await self.decide(repo, lead, now, cause=event)

    async def on_touchpoint_recorded(
        self, session: AsyncSession, event: TouchpointRecorded
    ) -> list[Publish]:
        repo, now = self.repository(session), self.clock()
        data = event.data
        lead = apply_touchpoint(
            await repo.get(event.lead_id, lock=True),
            event.lead_id,
            type=data.type,
            email=data.contact.email,
            consent=data.consent.email_marketing if data.consent else None,
            occurred_at=event.occurred_at,
            now=now,
        )
        content_id = content_taken_up(data.type, data.properties)
        if content_id:
            await repo.add_consumed(lead.lead_id, content_id, event.occurred_at, event.event_id)
        sent = await repo.steps(lead.lead_id)
        last = sent[-1] if sent else None
        if answers_step(last, data.type, data.properties):
            await repo.mark_answered(last.step_id, event.occurred_at)
        return await self.decide(repo, lead, now, cause=event)

    async def decide(
        self, repo: NurtureLeads, lead: LeadState, now: datetime, cause: Envelope | None
    ) -> list[Publish]:
        """Send the next step if one is due; remember when to look again. `cause` is None
        when the due-steps worker asks (a step that became due with time)."""
        sent = await repo.steps(lead.lead_id)
        consumed = await repo.consumed(lead.lead_id)
        plan = plan_next(lead, sent, consumed, self.catalogue, now)
        published: list[Publish] = []
        if plan.step is not None and plan.nothing_due is None:
            event = await self._record(repo, lead, plan.step, now, cause)
            if event is not None:
                published.append((topics.NURTURE_STEPS, event))
                plan = plan_next(lead, await repo.steps(lead.lead_id), consumed, self.catalogue, now)
        await repo.save(lead, next_due_at=_look_again_at(plan))
        return published

    async def _record(
        self, repo: NurtureLeads, lead: LeadState, step: NextStep, now: datetime, cause: Envelope | None
    ) -> NurtureStepTriggered | None:
        step_id = step_id_for(lead.lead_id, step.item.id)
        cause_id = cause.event_id if cause else None
        # Derived from what caused it, so a replay after a crash yields the same event id.
        event_id = derived_event_id("nurture.step_triggered", cause_id or "due", step_id)
        if cause is not None:
            correlation_id = cause.correlation_id
        else:  # a timed follow-up continues the chain of the lead's last step
            correlation_id = await repo.last_correlation_id(lead.lead_id) or step_id
        sent = SentStep(
            step_id=step_id, content_id=step.item.id, title=step.item.title, track=step.track,
            stage=step.stage, sent_at=now,
        )
        recorded = await repo.add_step(
            lead.lead_id, sent, event_id=event_id, cause_event_id=cause_id, correlation_id=correlation_id
        )
        if not recorded:
            return None
        data = NurtureStepData(
            step_id=step_id, track=step.track, content_id=step.item.id, title=step.item.title,
            format=step.item.format, channel="email", url=step.item.url, persona=step.persona,
            stage=step.stage, reason=step.reason, email=lead.email, due_at=step.due_at,
        )
        return NurtureStepTriggered.new(
            lead_id=lead.lead_id, data=data, cause=cause, event_id=event_id, correlation_id=correlation_id,
        )


def _look_again_at(plan: Plan) -> datetime | None:
    """When a step waits only for time (a response window, a contact limit), the worker
    looks again then; for anything else (no consent, handed off, exhausted) an event must come."""
    if plan.step is None:
        return None
    return plan.nothing_due.until if plan.nothing_due else plan.step.due_at
