"""Use cases of handoff: the only code that sees both the rules and the database."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lead_events import (
    CrmFeedbackReceived,
    Envelope,
    Evidence,
    FeedbackData,
    HandoffData,
    LeadHandedOff,
    LeadStageChanged,
    Stage,
    StageChangeData,
    derived_event_id,
    topics,
)
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlHandoffs
from .assign import UNROUTED, Router, account_of, to_event
from .domain.delivery import DeliveryStatus
from .domain.feedback import decide_feedback, normalise_reason, out_of_time
from .domain.model import Handoff
from .domain.policy import HandoffPolicy
from .domain.routing import RoutingRules
from .domain.sla import sla_deadlines

Clock = Callable[[], datetime]
Publish = tuple[str, Envelope]


def utc_now() -> datetime:
    return datetime.now(UTC)


async def on_lead_stage_changed(
    session: AsyncSession,
    event: LeadStageChanged,
    *,
    policy: HandoffPolicy,
    clock: Clock,
    push: bool,
    rules: RoutingRules | None = None,
) -> list[Publish]:
    """A lead scoring made sales-ready is routed to a rep and handed to sales, once per episode."""
    data = event.data
    if data.changed_by != "scoring" or data.to_stage != Stage.SALES_READY:
        return []  # handoff's own events and every other stage are not ours to act on
    now = clock()
    handoff_id = derived_event_id("handoff", event.lead_id, str(data.episode))
    deadlines = sla_deadlines(now, policy)
    router = Router(session, rules, now) if rules is not None else None
    assignment = await router.decide(account_of(data.snapshot)) if router is not None else None
    assigned_to = to_event(assignment, rules) if assignment is not None else UNROUTED
    payload = HandoffData(
        handoff_id=handoff_id,
        episode=data.episode,
        lead=data.snapshot,
        why_now=data.evidence,
        reason=data.reason,
        agreement_version=data.agreement_version or policy.version,
        sla_first_contact_due=deadlines.first_contact_due,
        sla_hard_limit=deadlines.hard_limit,
        assigned_to=assigned_to,
    )
    handoff = Handoff(
        handoff_id=handoff_id,
        lead_id=event.lead_id,
        episode=data.episode,
        stage=Stage.SALES_READY,
        handed_at=now,
        deadlines=deadlines,
        responded_at=None,
        rep_id=assigned_to.rep_id,
        payload=payload.model_dump(mode="json"),
        delivery_status=DeliveryStatus.PENDING if push else DeliveryStatus.NOT_CONFIGURED,
        attempts=0,
        next_attempt_at=now if push else None,
        delivered_at=None,
        correlation_id=event.correlation_id,
        team=assigned_to.team,
        assignment=assigned_to.model_dump(mode="json"),
        sla_next_check_at=deadlines.first_contact_due,
    )
    if not await SqlHandoffs(session).add(handoff, event.event_id):
        return []  # already handed off in this episode (a duplicate or re-scored event)
    if router is not None:
        await router.save(assignment)
    handed_off = LeadHandedOff.new(
        lead_id=event.lead_id,
        data=payload,
        occurred_at=now,
        cause=event,
        event_id=derived_event_id("lead.handed_off", handoff_id),
    )
    return [(topics.HANDOFF_LEADS, handed_off)]


@dataclass
class FeedbackResult:
    result: str  # applied | contacted | unchanged | refused | out_of_time | unknown_lead
    detail: str | None = None
    handoff: Handoff | None = None
    stage: Stage | None = None
    events: list[Publish] = field(default_factory=list)


async def on_crm_feedback(
    session: AsyncSession, event: CrmFeedbackReceived, *, policy: HandoffPolicy, clock: Clock | None = None,
) -> list[Publish]:
    """Feedback a CRM wrote to `crm.feedback` itself; refusals are recorded, not dead-lettered."""
    now = (clock or utc_now)()
    outcome = await apply_feedback(session, event, policy=policy, source="kafka", now=now)
    return outcome.events


async def submit_feedback(
    session: AsyncSession,
    lead_id: str,
    feedback: FeedbackData,
    *,
    policy: HandoffPolicy,
    now: datetime | None = None,
) -> FeedbackResult:
    """Feedback from the HTTP endpoint: applied, it also goes to `crm.feedback`, marked as
    processed here so this service's own consumer skips it."""
    event = CrmFeedbackReceived.new(lead_id=lead_id, data=feedback, occurred_at=feedback.at)
    outcome = await apply_feedback(session, event, policy=policy, source="http", now=now or utc_now())
    if outcome.result in ("applied", "contacted"):  # reporting counts the contact for the SLA
        handoff = outcome.handoff
        event = event.model_copy(
            update={
                "data": feedback.model_copy(update={"handoff_id": handoff.handoff_id}),
                "correlation_id": handoff.correlation_id or event.correlation_id,
            }
        )
        await SqlHandoffs(session).mark_processed(event.event_id)
        outcome.events.insert(0, (topics.CRM_FEEDBACK, event))
    return outcome


async def apply_feedback(
    session: AsyncSession, event: CrmFeedbackReceived, *, policy: HandoffPolicy, source: str, now: datetime
) -> FeedbackResult:
    repo = SqlHandoffs(session)
    fb = event.data
    handoff = await repo.get_for_update(event.lead_id, fb.handoff_id)
    record = dict(
        source=source,
        event_id=event.event_id,
        lead_id=event.lead_id,
        outcome=fb.outcome.value,
        reason=fb.reason,
        rep_id=fb.rep_id,
        at=fb.at,
    )
    if handoff is None:
        detail = "no handoff of this lead" + (f" with handoff_id {fb.handoff_id}" if fb.handoff_id else "")
        await repo.add_feedback(**record, result="unknown_lead", detail=detail)
        return FeedbackResult("unknown_lead", detail)
    record.update(handoff_id=handoff.handoff_id, from_stage=handoff.stage.value)
    latest = handoff if fb.handoff_id is None else await repo.get_for_update(event.lead_id)
    if why := out_of_time(fb.at, now=now, handed_at=handoff.handed_at, episode=handoff.episode,
                          latest_episode=latest.episode, named=fb.handoff_id is not None, skew=policy.clock_skew):
        await repo.add_feedback(**record, result="refused", detail=why)
        return FeedbackResult("out_of_time", why, handoff, handoff.stage)
    decision = decide_feedback(handoff.stage, fb.outcome, fb.reason, policy)
    if not decision.applies:
        await repo.add_feedback(**record, result="refused", detail=decision.refusal)
        return FeedbackResult("refused", decision.refusal, handoff, handoff.stage)
    if decision.contact_only:
        await repo.add_feedback(**record, result="contacted", to_stage=handoff.stage.value)
        await repo.set_stage(handoff.handoff_id, handoff.stage, responded_at=fb.at, rep_id=fb.rep_id)
        return FeedbackResult("contacted", None, handoff, handoff.stage)
    if not decision.changed:
        await repo.add_feedback(**record, result="unchanged", to_stage=handoff.stage.value)
        return FeedbackResult("unchanged", "the lead is already at this stage", handoff, handoff.stage)
    to_stage = decision.to_stage
    await repo.add_feedback(**record, result="applied", to_stage=to_stage.value)
    await repo.set_stage(handoff.handoff_id, to_stage, responded_at=fb.at, rep_id=fb.rep_id)
    changed = LeadStageChanged.new(
        lead_id=event.lead_id,
        data=StageChangeData(
            from_stage=handoff.stage,
            to_stage=to_stage,
            reason=_reason(to_stage, fb),
            evidence=[Evidence(rule=f"crm.feedback.{fb.outcome.value}", detail=_evidence_detail(fb))],
            changed_by="handoff",
            episode=handoff.episode,
            agreement_version=policy.version,
            snapshot=HandoffData.model_validate(handoff.payload).lead,
        ),
        occurred_at=fb.at,
        cause=event,
        event_id=derived_event_id("handoff.stage_changed", event.event_id),
        correlation_id=handoff.correlation_id or None,
    )
    return FeedbackResult("applied", None, handoff, to_stage, [(topics.LEAD_LIFECYCLE, changed)])


def _reason(stage: Stage, fb: FeedbackData) -> str:
    why = f" ({fb.reason})" if fb.reason else ""
    by = f" by rep {fb.rep_id}" if fb.rep_id else ""
    return {
        Stage.SALES_ACCEPTED: f"Sales accepted the lead{by}",
        Stage.OPPORTUNITY: f"Sales opened an opportunity{by}",
        Stage.WON: f"Deal won{by}",
        Stage.LOST: f"Deal lost{why}{by}",
        Stage.RECYCLED: f"Sales returned the lead as not ready{why}{by}; back to nurturing",
        Stage.DISQUALIFIED: f"Sales disqualified the lead{why}{by}",
    }.get(stage, f"CRM feedback {fb.outcome.value}{why}{by}")


def _evidence_detail(fb: FeedbackData) -> str:
    parts = [f"outcome={fb.outcome.value}"]
    if fb.reason:
        parts.append(f"reason={normalise_reason(fb.reason)}")
    if fb.rep_id:
        parts.append(f"rep_id={fb.rep_id}")
    return "; ".join(parts)
