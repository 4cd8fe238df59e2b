"""Which content a lead gets next, and when; or why nothing is due.

Rules, in order: a lead needs a stage in nurturing (prospect, marketing_lead, recycled), an
explicit email-marketing consent (unknown is not enough: we only send email; double opt-in
where the agreement demands it) and an address. Candidates are the next step of each journey
the lead is on and the next step of its stage track (content in catalogue order, or a profiling
form); never content twice, never what the lead took up on their own. The earliest due wins
(a journey on a tie); the contact limits and quiet hours apply on top, and a pause holds all.
"""

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime

from lead_events import Stage

from .catalogue import Catalogue, ContactLimits
from .journeys import journey_next, journey_of
from .lead import withdrawn_before
from .model import (
    NURTURING_STAGES, WITH_SALES_STAGES, Blocker, JourneyRun, LeadState, NextStep, NothingDue, Plan, SentStep,
)
from .profiling import form_step
from .timing import frequency_limit, quiet_hours, when

LONG_AGO = datetime.min.replace(tzinfo=UTC)  # taken up at an unknown time


def plan_next(
    lead: LeadState,
    sent: Sequence[SentStep],
    consumed: Collection[str] | Mapping[str, datetime],
    catalogue: Catalogue,
    now: datetime,
    runs: Sequence[JourneyRun] = (),
    paused: str | None = None,
) -> Plan:
    """`consumed`: content the lead took up on their own (ids, or ids -> when); `runs`: the
    journeys the lead is on; `paused`: why nurturing is paused, if it is."""
    blocked = _gate(lead, catalogue)
    if blocked is not None:
        return Plan(None, blocked)
    taken = dict(consumed) if isinstance(consumed, Mapping) else dict.fromkeys(consumed, LONG_AGO)
    candidates, waiting = _journey_candidates(lead, sent, taken, catalogue, now, runs)
    stage_step, exhausted = _stage_candidate(lead, sent, taken, catalogue, now)
    if stage_step is not None:
        candidates.append(stage_step)
    if not candidates:
        return Plan(None, waiting[0] if waiting else exhausted)
    step, wait = min(candidates, key=lambda c: c[0].due_at)  # stable: journeys first on a tie
    limit = frequency_limit(sent, catalogue.limits)
    binding = max((w for w in (wait, limit) if w and w.until > now), key=lambda w: w.until, default=None)
    quiet = quiet_hours(lead, catalogue.quiet_hours, binding.until if binding else now)
    binding = quiet or binding
    step = NextStep(step.item, step.track, step.stage, step.persona, binding.until if binding else now, step.reason)
    if paused is not None:
        return Plan(step, NothingDue(Blocker.PAUSED, f"Nurturing is paused: {paused}. Nothing is sent until it resumes."))
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


Candidate = tuple[NextStep, NothingDue | None]


def _journey_candidates(
    lead: LeadState, sent: Sequence[SentStep], taken: dict[str, datetime], catalogue: Catalogue,
    now: datetime, runs: Sequence[JourneyRun],
) -> tuple[list[Candidate], list[NothingDue]]:
    by_content = {s.content_id: s for s in sent}
    candidates, waiting = [], []
    for run in sorted(runs, key=lambda r: r.started_at):
        journey = journey_of(catalogue, run)
        if journey is None or lead.stage not in journey.stages:
            continue
        found = journey_next(journey, run, by_content, taken, catalogue, lead.persona)
        if found is None:
            continue
        if found.due_at is None:
            waiting.append(NothingDue(
                Blocker.AWAITING_RESPONSE,
                f"Journey {journey.id}: '{found.item.title}' follows once the lead takes up "
                f"'{found.waiting_for}'.",
            ))
            continue
        step = NextStep(
            found.item, run.track, lead.stage, lead.persona or "unknown", found.due_at,
            f"Journey {journey.id} on {run.topic}, started by {journey.trigger} on {when(run.started_at)}.",
        )
        wait = NothingDue(
            Blocker.AWAITING_RESPONSE,
            f"Journey {journey.id}: '{found.item.title}' is planned for {when(found.due_at)}.",
            found.due_at,
        )
        candidates.append((step, wait if found.due_at > now else None))
    return candidates, waiting


def _stage_candidate(
    lead: LeadState, sent: Sequence[SentStep], taken: dict[str, datetime], catalogue: Catalogue, now: datetime
) -> tuple[Candidate | None, NothingDue]:
    stage = lead.stage
    track = catalogue.track(stage, lead.persona, lead.recycle_reason)
    last = max((s for s in sent if s.track == track), key=lambda s: s.sent_at, default=None)
    offer = catalogue.items_for(stage, lead.persona, lead.recycle_reason)
    gone = {s.content_id for s in sent} | set(taken)
    item = form_step(lead, [s for s in sent if s.track == track], catalogue.profiling)
    item = item or next((i for i in offer if i.id not in gone), None)
    if item is None:
        return None, NothingDue(
            Blocker.EXHAUSTED, f"Track {track} is exhausted: all {len(offer)} items were sent or taken up."
        )
    wait = _awaiting(last, catalogue.limits)
    step = NextStep(
        item=item, track=track, stage=stage, persona=catalogue.persona_for(stage, lead.persona),
        due_at=wait.until if wait else now, reason=_reason(item.fields, last, track, catalogue.limits),
    )
    return (step, wait), None


def _gate(lead: LeadState, catalogue: Catalogue) -> NothingDue | None:
    if lead.stage is None:
        return NothingDue(
            Blocker.NO_STAGE, "No lifecycle stage yet: nurturing starts once scoring has classified the lead."
        )
    if lead.stage == Stage.DISQUALIFIED:
        return NothingDue(Blocker.DISQUALIFIED, "Disqualified: the lead gets no nurture content.")
    if lead.stage in WITH_SALES_STAGES or lead.stage not in NURTURING_STAGES:
        return NothingDue(
            Blocker.HANDED_OFF,
            f"Handed to sales (stage {lead.stage.value}): nurturing resumes only if sales return the lead.",
        )
    if lead.consent is False and _unsubscribed_last(lead):
        return NothingDue(
            Blocker.UNSUBSCRIBED, f"Unsubscribed on {when(lead.unsubscribed_at)}: no marketing email since."
        )
    if lead.consent is False:
        return NothingDue(Blocker.NO_CONSENT, "The lead declined marketing email.")
    if lead.consent is None:
        return NothingDue(
            Blocker.NO_CONSENT, "No email-marketing consent on record: email steps need an explicit opt-in."
        )
    if catalogue.consent.double_opt_in_required and not has_double_opt_in(lead):
        return NothingDue(
            Blocker.NO_DOUBLE_OPT_IN,
            "The agreement requires double opt-in and the lead has not confirmed the opt-in yet.",
        )
    if not lead.email:
        return NothingDue(Blocker.NO_EMAIL, "No email address known for the lead.")
    return None


def _unsubscribed_last(lead: LeadState) -> bool:
    """The refusal we hold is the last unsubscribe (not a later plain decline)."""
    at = lead.unsubscribed_at
    return at is not None and (lead.consent_at is None or at >= lead.consent_at)


def has_double_opt_in(lead: LeadState) -> bool:
    """A confirmation counts only if it came after the last withdrawal."""
    confirmed, last = lead.double_opt_in_at, withdrawn_before(lead)
    return confirmed is not None and (last is None or confirmed > last)


def _awaiting(last_on_track: SentStep | None, limits: ContactLimits) -> NothingDue | None:
    if last_on_track is None or last_on_track.answered_at is not None:
        return None
    until = last_on_track.sent_at + limits.follow_up_after
    return NothingDue(
        Blocker.AWAITING_RESPONSE,
        f"Waiting for a response to '{last_on_track.title}' (sent {when(last_on_track.sent_at)}); "
        f"without one the next step follows on {when(until)}.",
        until,
    )


def _reason(fields: tuple[str, ...], last_on_track: SentStep | None, track: str, limits: ContactLimits) -> str:
    if fields:
        return f"Progressive profiling: handoff still needs {', '.join(fields)}."
    if last_on_track is None:
        return f"First step of track {track}."
    if last_on_track.answered_at is not None:
        return f"The lead responded to '{last_on_track.title}'."
    return f"No response to '{last_on_track.title}' within {limits.follow_up_after.days} days."
