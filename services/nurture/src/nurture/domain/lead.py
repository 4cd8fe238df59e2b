"""How lifecycle events and touchpoints change what nurture knows of a lead."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from lead_events import Stage, TouchpointType as T

from .model import WITH_SALES_STAGES, LeadState, SentStep

# Touchpoints by which a lead takes up a piece of content; the id names the content.
CONTENT_TOUCHPOINTS = frozenset({
    T.WHITEPAPER_DOWNLOADED, T.CASE_STUDY_DOWNLOADED, T.TENDER_DOCUMENT_DOWNLOADED,
    T.WEBINAR_REGISTERED, T.WEBINAR_ATTENDED, T.EVENT_ATTENDED, T.EMAIL_CLICKED,
})
# Platforms name their own ids; `content_id` wins where a sender maps it.
_ID_KEYS = {
    T.WEBINAR_REGISTERED: ("content_id", "webinar_id"),
    T.WEBINAR_ATTENDED: ("content_id", "webinar_id"),
    T.EVENT_ATTENDED: ("content_id", "event_id"),
}


def _new(lead_id: str, state: LeadState | None) -> LeadState:
    return state if state is not None else LeadState(lead_id=lead_id)


def apply_stage_change(
    state: LeadState | None,
    lead_id: str,
    *,
    to_stage: Stage,
    persona: str | None,
    email: str | None,
    consent: bool | None,
    now: datetime,
) -> LeadState:
    """The stage is scoring's and handoff's word. Their snapshot's consent only fills a gap:
    it may be older than an unsubscribe nurture has already seen."""
    lead = _new(lead_id, state)
    keep_own_consent = lead.consent_at is not None or consent is None
    return replace(
        lead,
        stage=to_stage,
        persona=persona or lead.persona,
        email=email or lead.email,
        consent=lead.consent if keep_own_consent else consent,
        handed_off=lead.handed_off or to_stage in WITH_SALES_STAGES,
        updated_at=now,
    )


def apply_touchpoint(
    state: LeadState | None,
    lead_id: str,
    *,
    type: str,
    email: str | None,
    consent: bool | None,
    occurred_at: datetime,
    now: datetime,
) -> LeadState:
    """Consent follows the latest statement by time of occurrence; an unsubscribe is one."""
    lead = _new(lead_id, state)
    lead = replace(lead, email=email or lead.email, updated_at=now)
    is_newer = lead.consent_at is None or occurred_at >= lead.consent_at
    if type == T.UNSUBSCRIBED and is_newer:
        return replace(lead, consent=False, consent_at=occurred_at, unsubscribed_at=occurred_at)
    if consent is not None and is_newer:
        unsubscribed_at = lead.unsubscribed_at if consent is False else None  # a new opt-in
        return replace(lead, consent=consent, consent_at=occurred_at, unsubscribed_at=unsubscribed_at)
    return lead


def content_taken_up(type: str, properties: dict[str, Any]) -> str | None:
    """The content id a touchpoint shows the lead took up, if it shows one."""
    if type not in CONTENT_TOUCHPOINTS:
        return None
    for key in _ID_KEYS.get(type, ("content_id",)):
        value = properties.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def answers_step(step: SentStep | None, type: str, properties: dict[str, Any]) -> bool:
    """Whether a touchpoint responds to this step: taking up the offered content, or a click
    on the step's own link (`properties.step_id`). Opens do not count: mail clients fake them."""
    if step is None or step.answered_at is not None or type not in CONTENT_TOUCHPOINTS:
        return False
    return content_taken_up(type, properties) == step.content_id or properties.get("step_id") == step.step_id
