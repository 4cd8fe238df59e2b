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
    d = event.data
    repo = SqlReadModel(session)
    row = StageEvent(event.lead_id, d.from_stage.value if d.from_stage else None, d.to_stage.value,
                     event.occurred_at, d.reason, d.changed_by)
    await repo.add_stage_event(event.event_id, row)
    await repo.note_lead(LeadFacts(event.lead_id, persona=d.snapshot.persona))
    return []


async def on_touchpoint_recorded(session: AsyncSession, event: TouchpointRecorded) -> list:
    d = event.data
    props = d.properties
    campaign = props.get("campaign") or props.get("utm_campaign")
    content = props.get("content_id") or props.get("webinar_id")
    lead_id = await identify(session, visitor_links, event) or event.lead_id  # a known visitor's touch is the lead's
    touch = Touch(lead_id, d.type.value, event.occurred_at, d.source,
                  str(campaign)[:200] if campaign else None, str(content)[:200] if content else None)
    repo = SqlReadModel(session)
    await repo.add_touch(event.event_id, touch)
    await repo.note_lead(LeadFacts(lead_id, source=d.source, campaign=touch.campaign))
    visitor_id = lead_id_for_visitor(d.contact.anonymous_id) if d.contact.anonymous_id else lead_id
    if visitor_id != lead_id:  # the visitor is (now) known: what they did before counts for the lead
        await repo.adopt_visitor(visitor_id, lead_id)
    return []


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
