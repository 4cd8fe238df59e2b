"""Events in, facts out: the read model follows lead.lifecycle, touchpoints, handoff.leads, crm.feedback."""

from datetime import UTC, datetime

from lead_events import (
    CrmFeedbackReceived, LeadHandedOff, LeadStageChanged, PrivacyErasureRequested, TouchpointRecorded, lead_id_for_visitor,
)
from lead_runtime.erasures import record_erasure
from lead_runtime.visitors import forget_lead, identify
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlReadModel
from .adapters.tables import privacy_erasures, visitor_links
from .domain.model import HandoffFacts, LeadFacts, StageEvent, Touch


async def on_stage_changed(session: AsyncSession, event: LeadStageChanged) -> list:
    [out] = await on_stage_changes(session, [event])
    return out


async def on_stage_changes(session: AsyncSession, events: list[LeadStageChanged]) -> list[list]:
    """A batch of stage changes: the events in one statement, each lead's persona (its latest
    snapshot's, in the batch's order) in one, the tallies' difference once for all their leads."""
    repo = SqlReadModel(session)
    rows, facts = [], {}
    for event in events:
        d = event.data
        rows.append((event.event_id, StageEvent(event.lead_id, d.from_stage.value if d.from_stage else None,
                                                d.to_stage.value, event.occurred_at, d.reason, d.changed_by)))
        known = facts.get(event.lead_id)
        persona = d.snapshot.persona if d.snapshot.persona is not None else (known.persona if known else None)
        facts[event.lead_id] = LeadFacts(event.lead_id, persona=persona)
    async with repo.tallied(list(facts), events=True):
        await repo.add_stage_events(rows)
        await repo.note_leads(list(facts.values()))
    return [[] for _ in events]


async def on_touchpoint_recorded(session: AsyncSession, event: TouchpointRecorded) -> list:
    [out] = await on_touchpoints(session, [event])
    return out


async def on_touchpoints(session: AsyncSession, events: list[TouchpointRecorded]) -> list[list]:
    """A batch of touchpoints: the touches in one statement, each lead's facts in one. A visitor
    who names themselves writes what came before first, so the adoption sees it as it happened."""
    repo = SqlReadModel(session)
    pending: list[tuple[str, Touch]] = []
    for event in events:
        d = event.data
        lead_id = await identify(session, visitor_links, event) or event.lead_id  # a known visitor's touch is the lead's
        pending.append((event.event_id, _touch(lead_id, event)))
        visitor_id = lead_id_for_visitor(d.contact.anonymous_id) if d.contact.anonymous_id else lead_id
        if visitor_id != lead_id:  # the visitor is (now) known: what they did before counts for the lead
            await _write(repo, pending)
            await repo.adopt_visitor(visitor_id, lead_id)
    await _write(repo, pending)
    return [[] for _ in events]


def _touch(lead_id: str, event: TouchpointRecorded) -> Touch:
    d = event.data
    campaign = d.properties.get("campaign") or d.properties.get("utm_campaign")
    content = d.properties.get("content_id") or d.properties.get("webinar_id")
    return Touch(lead_id, d.type.value, event.occurred_at, d.source,
                 str(campaign)[:200] if campaign else None, str(content)[:200] if content else None)


async def _write(repo: SqlReadModel, pending: list[tuple[str, Touch]]) -> None:
    """The touches, and per lead the first source and first campaign among them (as one at a time would)."""
    facts: dict[str, LeadFacts] = {}
    for _, touch in pending:
        known = facts.setdefault(touch.lead_id, LeadFacts(touch.lead_id, source=touch.source, campaign=touch.campaign))
        if known.campaign is None and touch.campaign is not None:
            facts[touch.lead_id] = LeadFacts(touch.lead_id, source=known.source, campaign=touch.campaign)
    async with repo.tallied(list(facts)):
        await repo.add_touches(pending)
        await repo.note_leads(list(facts.values()))
    pending.clear()


async def on_handed_off(session: AsyncSession, event: LeadHandedOff) -> list:
    d = event.data
    rep = getattr(d, "assigned_to", None)
    await SqlReadModel(session).add_handoff(HandoffFacts(
        d.handoff_id, event.lead_id, event.occurred_at, d.sla_first_contact_due, d.sla_hard_limit,
        rep.rep_id if rep else None, rep.team if rep else None,
    ))
    return []


async def on_feedback(session: AsyncSession, event: CrmFeedbackReceived) -> list:
    await SqlReadModel(session).note_response(event.lead_id, event.data.handoff_id, event.data.at)
    return []


async def on_erasure_requested(session: AsyncSession, event: PrivacyErasureRequested) -> list:
    """The read model holds no personal data (ids, stages, sources, times): recording it and
    forgetting which visitor the person was is all."""
    now = datetime.now(UTC)
    visitors = await forget_lead(session, visitor_links, event.lead_id)
    await record_erasure(session, privacy_erasures, event.data.erasure_id, event.lead_id, event.occurred_at, now,
                         visitor_ids=visitors)
    return []
