"""Use cases: a lifecycle event or a touchpoint updates the lead, then nurture decides.

Handlers get the runtime's session (one transaction per batch, never committed here) and
return the events to publish; the runtime writes them to the outbox. `decide_many` is shared
with the due-steps worker, which decides for a whole claimed batch in a few queries.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from lead_events import (
    Envelope, LeadStageChanged, NurtureStepData, NurtureStepTriggered, Stage, TouchpointRecorded,
    derived_event_id, is_historical, lead_id_for_visitor, topics,
)
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlNurtureLeads
from .domain import (
    NURTURING_STAGES, Blocker, Catalogue, LeadState, NextStep, Plan, SentStep, answers_step, apply_stage_change,
    apply_touchpoint, content_taken_up, journeys_started, known_from_answers, known_from_contact, plan_next,
    rejection_reason,
)
from .ports import Clock, NurtureLeads, RepositoryFactory

Publish = tuple[str, Envelope]
E = TypeVar("E", bound=Envelope)
_TIME_ZONE_KEYS = ("time_zone", "timezone", "tz")


def utc_now() -> datetime:
    return datetime.now(UTC)


def step_id_for(lead_id: str, content_id: str) -> str:
    """One step per lead and content, ever: the delivery system's idempotency key."""
    return derived_event_id("nurture-step", lead_id, content_id)


class NurtureHandlers:
    def __init__(
        self, catalogue: Catalogue, clock: Clock = utc_now, repository: RepositoryFactory = SqlNurtureLeads,
        push: bool = False,
    ) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self._repository = repository
        self._push = push  # also queue an HTTP push of each step to the email system

    def repository(self, session: AsyncSession) -> NurtureLeads:
        return self._repository(session)

    async def on_lead_stage_changed(self, session: AsyncSession, event: LeadStageChanged) -> list[Publish]:
        [out] = await self.on_stage_changes(session, [event])
        return out

    async def on_stage_changes(self, session: AsyncSession, events: list[LeadStageChanged]) -> list[list[Publish]]:
        """A batch, in rounds of one stage change per lead (see `_rounds`)."""
        repo, now = self.repository(session), self.clock()
        out: dict[int, list[Publish]] = {}
        for round_ in _rounds(events):
            stored = await repo.get_many([event.lead_id for _, event in round_], lock=True)
            leads = [self._staged(stored.get(event.lead_id), event, now) for _, event in round_]
            leaving = [lead.lead_id for lead, (_, event) in zip(leads, round_)
                       if event.data.to_stage not in NURTURING_STAGES or event.data.to_stage == Stage.RECYCLED]
            await repo.end_journeys_of(leaving, now)  # left nurturing; a recycled lead starts afresh
            out |= await self._decided(repo, leads, round_, now)
        return [out[i] for i in range(len(events))]

    def _staged(self, state: LeadState | None, event: LeadStageChanged, now: datetime) -> LeadState:
        data, snapshot = event.data, event.data.snapshot
        consent = snapshot.consent
        return apply_stage_change(
            state,
            event.lead_id,
            to_stage=data.to_stage,
            persona=snapshot.persona,
            email=snapshot.email,
            consent=consent.email_marketing if consent else None,
            now=now,
            double_opt_in_at=consent.double_opt_in_at if consent else None,
            country=snapshot.company.country if snapshot.company else None,
            known=known_from_contact(snapshot.model_dump()),
            recycle_reason=rejection_reason((e.rule, e.detail) for e in data.evidence),
            consent_source=getattr(consent, "source", None),
        )

    async def _decided(
        self, repo: NurtureLeads, leads: list[LeadState], items: list[tuple[int, Envelope]], now: datetime
    ) -> dict[int, list[Publish]]:
        """Decide a round's leads at once; what each published, by the item's index in the batch."""
        causes = {lead.lead_id: event for lead, (_, event) in zip(leads, items)}
        published = await self.decide_many(repo, leads, now, causes)
        by_lead: dict[str, list[Publish]] = {}
        for topic, event in published:
            by_lead.setdefault(event.lead_id, []).append((topic, event))
        return {i: by_lead.get(lead.lead_id, []) for lead, (i, _) in zip(leads, items)}

    async def on_touchpoint_recorded(self, session: AsyncSession, event: TouchpointRecorded) -> list[Publish]:
        [out] = await self.on_touchpoints(session, [event])
        return out

    async def on_touchpoints(self, session: AsyncSession, events: list[TouchpointRecorded]) -> list[list[Publish]]:
        """A batch, in rounds: round k takes each lead's k-th touchpoint, so a lead's touchpoints
        apply in order and each round loads and writes every table once for all its leads. A
        touchpoint with a visitor id may join two leads: it is a round of its own, in its place."""
        repo, now = self.repository(session), self.clock()
        out: dict[int, list[Publish]] = {}
        saved: dict[str, LeadState] = {}  # as the earlier rounds left them: read (and locked) once a batch
        for round_ in _rounds(events):
            out |= await self._round(repo, round_, now, saved)
        return [out[i] for i in range(len(events))]

    async def _round(
        self, repo: NurtureLeads, items: list[tuple[int, TouchpointRecorded]], now: datetime, saved: dict[str, LeadState],
    ) -> dict[int, list[Publish]]:
        owners = [await repo.identify(event) or event.lead_id for _, event in items]  # a known visitor's is the lead's
        stored = await repo.get_many([lead_id for lead_id in owners if lead_id not in saved], lock=True)
        stored |= {lead_id: saved[lead_id] for lead_id in owners if lead_id in saved}
        leads = [self._applied(stored.get(lead_id), lead_id, event, now) for lead_id, (_, event) in zip(owners, items)]
        saved |= {lead.lead_id: lead for lead in leads}
        consumed, journeys = [], []
        for lead, (_, event) in zip(leads, items):
            data = event.data
            visitor_id = lead_id_for_visitor(data.contact.anonymous_id) if data.contact.anonymous_id else lead.lead_id
            if visitor_id != lead.lead_id:  # the visitor is (now) known: what they took up counts for the lead
                await repo.adopt_visitor(visitor_id, lead.lead_id)
            content_id = content_taken_up(data.type, data.properties)
            if content_id:
                consumed.append((lead.lead_id, content_id, event.occurred_at, event.event_id))
            starts = [] if is_historical(event, self.catalogue.horizon) else journeys_started(
                self.catalogue, lead, data.type, data.properties, content_id, event.occurred_at)
            for run in starts:  # "one day after the webinar" means nothing for a webinar of years ago
                journeys.append((lead.lead_id, replace(run, correlation_id=event.correlation_id), event.event_id))
        await repo.add_consumed_many(consumed)
        steps = await repo.steps_for([lead.lead_id for lead in leads])
        await repo.mark_answered_many([
            (step.step_id, event.occurred_at)
            for lead, (_, event) in zip(leads, items) for step in steps.get(lead.lead_id, [])
            if answers_step(step, event.data.type, event.data.properties)
        ])
        await repo.start_journeys(journeys)
        return await self._decided(repo, leads, items, now)

    def _applied(self, state: LeadState | None, lead_id: str, event: TouchpointRecorded, now: datetime) -> LeadState:
        data = event.data
        # Without an email a touchpoint says what a browser did, not who agreed to what: behaviour only.
        named = data.contact.email is not None
        consent = data.consent if named else None
        bant = self.catalogue.profiling.bant_fields if self.catalogue.profiling else ()
        company = data.contact.company if named else None
        return apply_touchpoint(
            state,
            lead_id,
            type=data.type,
            email=data.contact.email,
            consent=consent.email_marketing if consent else None,
            occurred_at=event.occurred_at,
            now=now,
            double_opt_in_at=consent.double_opt_in_at if consent else None,
            country=company.country if company else None,
            time_zone=next((v for k in _TIME_ZONE_KEYS if isinstance(v := data.properties.get(k), str)), None) if named else None,
            known=known_from_contact(data.contact.model_dump()) | known_from_answers(data.properties, bant) if named else (),
            source=data.source,
        )

    async def paused(self, repo: NurtureLeads) -> str | None:
        """Why nurturing is paused, or None: the agreement's switch or the operator's."""
        if self.catalogue.paused:
            return f"the agreement (nurture.yaml, version {self.catalogue.version}) sets paused: true"
        on, reason, since = await repo.pause()
        return f"paused by an operator since {since:%Y-%m-%d %H:%M UTC} ({reason or 'no reason given'})" if on else None

    async def decide(self, repo: NurtureLeads, lead: LeadState, now: datetime, cause: Envelope | None) -> list[Publish]:
        return await self.decide_many(repo, [lead], now, {lead.lead_id: cause} if cause else None)

    async def decide_many(
        self, repo: NurtureLeads, leads: Sequence[LeadState], now: datetime,
        causes: Mapping[str, Envelope] | None = None,
    ) -> list[Publish]:
        """Send each lead's next step if one is due; remember when to look again. `causes` names
        the event each lead is decided for; none when the due-steps worker asks (steps that
        became due with time)."""
        causes = causes or {}
        ids = [lead.lead_id for lead in leads]
        sent_by, taken_by, runs_by = await repo.steps_for(ids), await repo.taken_up_for(ids), await repo.journeys_for(ids)
        paused = await self.paused(repo)

        def plan(lead: LeadState, extra: Sequence[SentStep] = ()) -> Plan:
            sent = [*sent_by.get(lead.lead_id, []), *extra]
            return plan_next(lead, sent, taken_by.get(lead.lead_id, {}), self.catalogue, now,
                             runs_by.get(lead.lead_id, []), paused)

        plans = {lead.lead_id: plan(lead) for lead in leads}
        due = [(lead, plans[lead.lead_id].step) for lead in leads if _is_due(plans[lead.lead_id])]
        timed = [lead.lead_id for lead, _ in due if lead.lead_id not in causes]
        correlations = await repo.last_correlation_ids(timed) if timed else {}
        made = [self._step(lead, step, now, causes.get(lead.lead_id), correlations) for lead, step in due]
        recorded = await repo.add_steps([(sent, row) for _, sent, row, _ in made])
        published: list[Publish] = []
        for lead, sent, _, event in made:
            if sent.step_id in recorded:
                published.append((topics.NURTURE_STEPS, event))
                plans[lead.lead_id] = plan(lead, [sent])
        if self._push and published:
            await repo.add_deliveries([(e.lead_id, e.data.step_id, _push_body(e)) for _, e in published], now)
        await repo.save_many([(lead, _look_again_at(plans[lead.lead_id])) for lead in leads])
        return published

    def _step(
        self, lead: LeadState, step: NextStep, now: datetime, cause: Envelope | None, correlations: dict[str, str]
    ) -> tuple[LeadState, SentStep, dict, NurtureStepTriggered]:
        step_id = step_id_for(lead.lead_id, step.item.id)
        cause_id = cause.event_id if cause else None
        # Derived from what caused it, so a replay after a crash yields the same event id.
        event_id = derived_event_id("nurture.step_triggered", cause_id or "due", step_id)
        # A timed follow-up continues the chain of the lead's last step.
        correlation_id = cause.correlation_id if cause else correlations.get(lead.lead_id) or step_id
        sent = SentStep(
            step_id=step_id, content_id=step.item.id, title=step.item.title, track=step.track,
            stage=step.stage, sent_at=now,
        )
        row = dict(lead_id=lead.lead_id, event_id=event_id, cause_event_id=cause_id, correlation_id=correlation_id)
        data = NurtureStepData(
            step_id=step_id, track=step.track, content_id=step.item.id, title=step.item.title,
            format=step.item.format, channel="email", url=step.item.url, persona=step.persona,
            stage=step.stage, reason=step.reason, email=lead.email, due_at=step.due_at,
            form_fields=list(step.item.fields),
        )
        event = NurtureStepTriggered.new(
            lead_id=lead.lead_id, data=data, cause=cause, event_id=event_id, correlation_id=correlation_id,
        )
        return lead, sent, row, event


def _rounds(events: Sequence[E]) -> list[list[tuple[int, E]]]:
    """The batch in rounds (see on_touchpoints), each item with its index in the batch."""
    rounds: list[list[tuple[int, E]]] = []
    segment: list[list[tuple[int, E]]] = []
    seen: Counter[str] = Counter()
    for i, event in enumerate(events):
        if _names_a_visitor(event):
            rounds += segment + [[(i, event)]]
            segment, seen = [], Counter()
            continue
        k = seen[event.lead_id]
        seen[event.lead_id] += 1
        if k == len(segment):
            segment.append([])
        segment[k].append((i, event))
    return rounds + segment


def _names_a_visitor(event: Envelope) -> bool:
    contact = getattr(event.data, "contact", None)
    return bool(contact is not None and contact.anonymous_id)


def _is_due(plan: Plan) -> bool:
    return plan.step is not None and plan.nothing_due is None


def _push_body(event: NurtureStepTriggered) -> dict:
    return {"event_id": event.event_id, "lead_id": event.lead_id, **event.data.model_dump(mode="json")}


def _look_again_at(plan: Plan) -> datetime | None:
    """When a step waits only for time (a wait, a contact limit, quiet hours, a pause), the worker
    looks again then; for anything else (no consent, handed off, exhausted) an event must come."""
    if plan.step is None:
        return None
    if plan.nothing_due is None or plan.nothing_due.blocker == Blocker.PAUSED:
        return plan.step.due_at
    return plan.nothing_due.until
