"""Switching agreements: activate the version, then rebuild every lead under it in chunks."""

from datetime import datetime

from lead_runtime import outbox

from .adapters.agreements import SqlAgreements
from .adapters.replay_source import stored_leads
from .domain.policy import ScoringPolicy
from .handlers import ScoringHandlers

CHUNK = 200  # leads per transaction: short locks while the service keeps scoring


async def apply_switch(policy: ScoringPolicy, source: str, sessions, now: datetime) -> int:
    handlers = ScoringHandlers(policy, clock=lambda: now, source=source)
    async with sessions() as session, session.begin():
        await SqlAgreements(session).store(policy, source, activate=True)
    changed = 0
    pending = []
    async with sessions() as reader:
        async for lead in stored_leads(reader, policy):
            pending.append(lead)
            if len(pending) >= CHUNK:
                changed += await _apply(handlers, sessions, pending)
                pending = []
    return changed + await _apply(handlers, sessions, pending)


async def _apply(handlers: ScoringHandlers, sessions, leads: list) -> int:
    changed = 0
    async with sessions() as session, session.begin():
        for lead in leads:
            for topic, event in await handlers.apply_agreement(session, lead.lead_id, lead.touchpoints):
                await outbox.add_event(session, topic, event)
                changed += 1
    return changed
