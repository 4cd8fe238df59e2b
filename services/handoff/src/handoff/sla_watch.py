"""Background worker: finds handoffs whose follow-up deadline passed without an answer from
sales, records the breach once per deadline, escalates (event `lead.sla_breached` on
`handoff.leads`) and, where the agreement says so, reassigns the lead to the next rep.

Due handoffs come from an indexed `sla_next_check_at`, claimed FOR UPDATE SKIP LOCKED, so
several instances share the work; the events go to the outbox in the same transaction.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from lead_events import HandoffData, LeadSlaBreached, SlaBreachData, derived_event_id, topics
from lead_runtime.logs import fields, log_context
from lead_runtime.outbox import add_event
from lead_runtime.workers import poll
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .adapters.sla_store import SqlSla
from .assign import Router, account_of, to_event
from .domain.model import Handoff
from .domain.policy import HandoffPolicy
from .domain.routing import RoutingRules
from .domain.sla import missed_deadlines, next_check, reassigned_deadlines, should_reassign
from .handlers import Clock

log = logging.getLogger(__name__)


class SlaWatch:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        policy: HandoffPolicy,
        rules: RoutingRules | None,
        clock: Clock,
        wake: Callable[[], None] = lambda: None,
        poll_interval_seconds: float = 5.0,
        batch_size: int = 50,
    ) -> None:
        self._sessions = sessions
        self._policy = policy
        self._rules = rules
        self._clock = clock
        self._wake = wake
        self._interval = poll_interval_seconds
        self._batch = batch_size

    async def run(self, stopping: asyncio.Event) -> None:
        await poll(self.check_due, stopping, self._interval, self._batch, "SLA check")

    async def check_due(self) -> int:
        """One round. Returns how many handoffs were looked at."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            due = await SqlSla(session).claim_due(now, self._batch)
            events = []
            for handoff in due:
                events += await self._check(session, handoff, now)
            for event in events:
                await add_event(session, topics.HANDOFF_LEADS, event)
        if events:
            self._wake()
        return len(due)

    async def _check(self, session: AsyncSession, h: Handoff, now: datetime) -> list[LeadSlaBreached]:
        store = SqlSla(session)
        deadlines = h.deadlines
        earlier = await store.breaches_of([h.handoff_id])
        recorded = {(b.deadline, b.due_at) for b in earlier}
        events = []
        for kind, due in missed_deadlines(h.deadlines, h.responded_at, now):
            if (kind.value, due) in recorded:
                continue
            escalated_to = self._rules.escalation.get(h.team or "") if self._rules else None
            reassigned, decision = None, None
            if self._rules is not None and should_reassign(kind, deadlines, now, self._policy):
                router = Router(session, self._rules, now)
                had_it = frozenset({b.rep_id for b in earlier if b.rep_id} | {h.rep_id or ""})
                decision = await router.decide(account_of(HandoffData.model_validate(h.payload).lead), had_it)
                if decision.rep is not None:
                    reassigned = to_event(decision, self._rules, rule="reassigned").model_copy(
                        update={"reason": f"{kind.value} deadline missed by {h.rep_id}; {decision.reason}"}
                    )
            added = await store.add_breach(
                handoff_id=h.handoff_id, deadline=kind.value, due_at=due, detected_at=now, rep_id=h.rep_id,
                escalated_to=escalated_to, reassigned_to=reassigned.rep_id if reassigned else None,
            )
            if not added:
                continue
            if reassigned is not None:
                await router.save(decision)
                deadlines = reassigned_deadlines(deadlines, now, self._policy)
                await store.reassign(h.handoff_id, reassigned.rep_id, reassigned.team,
                                     reassigned.model_dump(mode="json"), deadlines)
            event = self._event(h, kind.value, due, now, escalated_to, reassigned, deadlines)
            with log_context(event.event_id, event.correlation_id):
                log.warning("sales SLA breached", extra=fields(handoff_id=h.handoff_id, lead_id=h.lead_id, deadline=kind.value,
                                                               rep_id=h.rep_id, escalated_to=escalated_to))
            events.append(event)
        await store.set_next_check(h.handoff_id, next_check(deadlines, h.responded_at, now))
        return events

    def _event(self, h, kind, due, now, escalated_to, reassigned, deadlines) -> LeadSlaBreached:
        return LeadSlaBreached.new(
            lead_id=h.lead_id,
            data=SlaBreachData(
                handoff_id=h.handoff_id, episode=h.episode, deadline=kind, due_at=due, handed_at=h.handed_at,
                rep_id=h.rep_id, team=h.team, escalated_to=escalated_to, reassigned_to=reassigned,
                next_first_contact_due=deadlines.first_contact_due if reassigned else None,
            ),
            occurred_at=now,
            event_id=derived_event_id("lead.sla_breached", h.handoff_id, kind, due.isoformat()),
            correlation_id=h.correlation_id or None,
        )
