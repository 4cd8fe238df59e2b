"""How lifecycle events and touchpoints change what nurture knows of a lead."""

from dataclasses import replace
from datetime import datetime
from collections.abc import Iterable
from typing import Any

from lead_events import Stage, TouchpointType as T

from .model import WITH_SALES_STAGES, LeadState, SentStep

# Touchpoints by which a lead takes up a piece of content; the id names the content.
CONTENT_TOUCHPOINTS = frozenset({
    T.WHITEPAPER_DOWNLOADED, T.CASE_STUDY_DOWNLOADED, T.TENDER_DOCUMENT_DOWNLOADED,
    T.WEBINAR_REGISTERED, T.WEBINAR_ATTENDED, T.EVENT_ATTENDED, T.EMAIL_CLICKED, T.FORM_SUBMITTED,
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
    double_opt_in_at: datetime | None = None,
    country: str | None = None,
    known: Iterable[str] = (),
    recycle_reason: str | None = None,
    consent_source: str | None = None,
) -> LeadState:
    """The stage is scoring's and handoff's word. Their snapshot's consent only fills a gap:
    it may be older than an unsubscribe nurture has already seen."""
    lead = _new(lead_id, state)
    keep_own_consent = lead.consent_at is not None or consent is None
    return replace(
        _with_double_opt_in(lead, double_opt_in_at),
        stage=to_stage,
        persona=persona or lead.persona,
        email=email or lead.email,
        consent=lead.consent if keep_own_consent else consent,
        consent_source=lead.consent_source if keep_own_consent else consent_source,
        handed_off=lead.handed_off or to_stage in WITH_SALES_STAGES,
        updated_at=now,
        country=country or lead.country,
        known=lead.known | frozenset(known),
        recycle_reason=recycle_reason if to_stage == Stage.RECYCLED else lead.recycle_reason,
    )


def rejection_reason(evidence: Iterable[tuple[str, str | None]]) -> str | None:
    """Sales' rejection reason from handoff's evidence (`rule`, `detail`), e.g.
    ("crm.feedback.rejected", "outcome=rejected; reason=no_budget; rep_id=rep-7") -> no_budget."""
    for rule, detail in evidence:
        if not rule.startswith("crm.feedback") or not detail:
            continue
        for part in detail.split(";"):
            key, _, value = part.strip().partition("=")
            if key == "reason" and value.strip():
                return value.strip()
    return None


def apply_touchpoint(
    state: LeadState | None,
    lead_id: str,
    *,
    type: str,
    email: str | None,
    consent: bool | None,
    occurred_at: datetime,
    now: datetime,
    double_opt_in_at: datetime | None = None,
    country: str | None = None,
    time_zone: str | None = None,
    known: Iterable[str] = (),
    source: str | None = None,
) -> LeadState:
    """Consent follows the latest statement by time of occurrence (at the same moment a withdrawal
    wins); a withdrawal voids the earlier double opt-ins (a new opt-in must be confirmed anew).
    The same rule as scoring's consent record, so the two services agree whatever the order."""
    lead = _new(lead_id, state)
    lead = replace(
        lead, email=email or lead.email, updated_at=now, country=country or lead.country,
        time_zone=time_zone or lead.time_zone, known=lead.known | frozenset(known),
    )
    is_newer = lead.consent_at is None or occurred_at >= lead.consent_at
    if type in (T.UNSUBSCRIBED, T.EMAIL_BOUNCED) or consent is False:
        # A withdrawal (an unsubscribe, a hard bounce, a form answered no) voids every confirmation
        # before it, whenever it arrives: a later opt-in must be confirmed anew. The latest decides.
        last = max(occurred_at, withdrawn_before(lead) or occurred_at)
        voided = lead.double_opt_in_at is not None and lead.double_opt_in_at <= last
        lead = replace(lead, withdrawn_at=last, double_opt_in_at=None if voided else lead.double_opt_in_at)
        if type == T.UNSUBSCRIBED:
            lead = replace(lead, unsubscribed_at=max(occurred_at, lead.unsubscribed_at or occurred_at))
        if is_newer:
            lead = replace(lead, consent=False, consent_at=occurred_at, consent_source=source)
        return lead
    withdrawn_then = lead.consent is False and lead.consent_at == occurred_at  # a withdrawal wins a tie
    if consent is not None and is_newer and not withdrawn_then:
        # A new opt-in keeps `withdrawn_at` (the last withdrawal): a confirmation older than it,
        # e.g. on a stale snapshot arriving later, must not confirm the new opt-in.
        lead = _with_double_opt_in(lead, double_opt_in_at)
        return replace(lead, consent=consent, consent_at=occurred_at, consent_source=source)
    return _with_double_opt_in(lead, double_opt_in_at)


def withdrawn_before(lead: LeadState) -> datetime | None:
    """The last withdrawal on record (rows from before `withdrawn_at` know only unsubscribes)."""
    known = [at for at in (lead.withdrawn_at, lead.unsubscribed_at) if at is not None]
    return max(known) if known else None


def _with_double_opt_in(lead: LeadState, at: datetime | None) -> LeadState:
    """A confirmation older than the last withdrawal does not count."""
    last = withdrawn_before(lead)
    if at is None or (last is not None and at <= last):
        return lead
    if lead.double_opt_in_at is not None and lead.double_opt_in_at >= at:
        return lead
    return replace(lead, double_opt_in_at=at)


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


def erased(lead: LeadState) -> LeadState:
    """The lead after its person asked to be erased: no address, so nothing can be sent any more."""
    return replace(lead, email=None, time_zone=None)
