"""Which content a lead gets next, and when; or why nothing is due.

Rules, in order: a lead needs a stage in nurturing (prospect, marketing_lead, recycled), an
explicit email-marketing consent (unknown is not enough: we only send email) and an address.
Content comes from the track of its stage and persona, in catalogue order, never twice, and
never what the lead took up on their own. After a step, the next one waits for the lead's
response, or for `follow_up_after` without one; the contact limits apply on top.
"""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

from lead_events import Stage

from .catalogue import Catalogue, ContactLimits
from .model import (
    WITH_SALES_STAGES, Blocker, LeadState, NextStep, NothingDue, Plan, SentStep,
)

WEEK = timedelta(days=7)


def plan_next(
    lead: LeadState,
    sent: Sequence[SentStep],
    consumed: Collection[str],
    catalogue: Catalogue,
    now: datetime,
) -> Plan:
    blocked = _gate(lead)
    if blocked is not None:
        return Plan(None, blocked)
    stage = lead.stage
    track = catalogue.track(stage, lead.persona)
    taken = {s.content_id for s in sent} | set(consumed)
    offer = catalogue.items_for(stage, lead.persona)
    item = next((i for i in offer if i.id not in taken), None)
    if item is None:
        return Plan(None, NothingDue(
            Blocker.EXHAUSTED,
            f"Track {track} is exhausted: all {len(offer)} items were sent or taken up.",
        ))
    last = max(sent, key=lambda s: s.sent_at, default=None)
    last_on_track = last if last is not None and last.track == track else None
    waits = [w for w in (_awaiting(last_on_track, catalogue.limits), _frequency(sent, catalogue.limits)) if w]
    binding = max((w for w in waits if w.until > now), key=lambda w: w.until, default=None)
    step = NextStep(
        item=item,
        track=track,
        stage=stage,
        persona=catalogue.persona_for(stage, lead.persona),
        due_at=binding.until if binding else now,
        reason=_reason(last_on_track, track, catalogue.limits),
    )
    return Plan(step, binding)


def next_step(
    lead: LeadState, sent: Sequence[SentStep], consumed: Collection[str], catalogue: Catalogue, now: datetime
) -> NextStep | None:
    """The step to send now, or None."""
    plan = plan_next(lead, sent, consumed, catalogue, now)
    return plan.step if plan.nothing_due is None else None


def why_nothing(
    lead: LeadState, sent: Sequence[SentStep], consumed: Collection[str], catalogue: Catalogue, now: datetime
) -> NothingDue | None:
    """Why no step is due now; None when one is."""
    return plan_next(lead, sent, consumed, catalogue, now).nothing_due


def _gate(lead: LeadState) -> NothingDue | None:
    if lead.stage is None:
        return NothingDue(
            Blocker.NO_STAGE, "No lifecycle stage yet: nurturing starts once scoring has classified the lead."
        )
    if lead.stage == Stage.DISQUALIFIED:
        return NothingDue(Blocker.DISQUALIFIED, "Disqualified: the lead gets no nurture content.")
    if lead.stage in WITH_SALES_STAGES:
        return NothingDue(
            Blocker.HANDED_OFF,
            f"Handed to sales (stage {lead.stage.value}): nurturing resumes only if sales return the lead.",
        )
    if lead.consent is False and lead.unsubscribed_at is not None:
        return NothingDue(
            Blocker.UNSUBSCRIBED, f"Unsubscribed on {_when(lead.unsubscribed_at)}: no marketing email since."
        )
    if lead.consent is False:
        return NothingDue(Blocker.NO_CONSENT, "The lead declined marketing email.")
    if lead.consent is None:
        return NothingDue(
            Blocker.NO_CONSENT, "No email-marketing consent on record: email steps need an explicit opt-in."
        )
    if not lead.email:
        return NothingDue(Blocker.NO_EMAIL, "No email address known for the lead.")
    return None


def _awaiting(last_on_track: SentStep | None, limits: ContactLimits) -> NothingDue | None:
    if last_on_track is None or last_on_track.answered_at is not None:
        return None
    until = last_on_track.sent_at + limits.follow_up_after
    return NothingDue(
        Blocker.AWAITING_RESPONSE,
        f"Waiting for a response to '{last_on_track.title}' (sent {_when(last_on_track.sent_at)}); "
        f"without one the next step follows on {_when(until)}.",
        until,
    )


def _frequency(sent: Sequence[SentStep], limits: ContactLimits) -> NothingDue | None:
    times = sorted(s.sent_at for s in sent)
    if not times:
        return None
    until = times[-1] + limits.min_gap
    if len(times) >= limits.max_steps_per_week:
        until = max(until, times[-limits.max_steps_per_week] + WEEK)
    hours = int(limits.min_gap.total_seconds() // 3600)
    return NothingDue(
        Blocker.FREQUENCY_LIMIT,
        f"Contact limit ({limits.max_steps_per_week} steps per week, {hours} h apart): "
        f"the next step is allowed from {_when(until)}.",
        until,
    )


def _reason(last_on_track: SentStep | None, track: str, limits: ContactLimits) -> str:
    if last_on_track is None:
        return f"First step of track {track}."
    if last_on_track.answered_at is not None:
        return f"The lead responded to '{last_on_track.title}'."
    return f"No response to '{last_on_track.title}' within {limits.follow_up_after.days} days."


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
