"""Nurture's HTTP surface: a lead's track, the steps sent, and what comes next or why nothing."""

from datetime import datetime

from fastapi import APIRouter
from lead_runtime.problems import Problem
from lead_runtime.service import RuntimeDep, SessionDep
from pydantic import BaseModel, Field

from .adapters.deliveries import SqlDeliveries
from .adapters.repository import SqlNurtureLeads
from .domain import NURTURING_STAGES, Catalogue, JourneyRun, LeadState, Plan, SentStep, plan_next
from .domain.timing import lead_zone

router = APIRouter(prefix="/v1", tags=["nurture"])


class ConsentView(BaseModel):
    email_marketing: bool | None = Field(description="True, false, or null when unknown.")
    stated_at: datetime | None = None
    source: str | None = Field(None, description="The source (touchpoint source) that stated it.")
    unsubscribed_at: datetime | None = Field(
        None, description="The last unsubscribe; a later opt-in (stated_at) counts again, once confirmed if required."
    )
    double_opt_in_at: datetime | None = None
    double_opt_in_required: bool = False


class JourneyView(BaseModel):
    journey_id: str
    topic: str
    track: str
    started_at: datetime


class StepView(BaseModel):
    step_id: str
    content_id: str
    title: str
    track: str
    stage: str
    sent_at: datetime
    answered_at: datetime | None = None
    delivery: dict | None = Field(None, description="The HTTP push to the email system, if configured.")


class NextStepView(BaseModel):
    content_id: str
    title: str
    format: str
    url: str
    track: str
    due_at: datetime
    reason: str


class NothingDueView(BaseModel):
    code: str = Field(examples=["no_consent", "no_double_opt_in", "unsubscribed", "frequency_limit", "quiet_hours", "paused",
                                   "handed_off", "catalogue_exhausted"])
    reason: str
    until: datetime | None = Field(None, description="When this changes by itself, if it does.")


class NurtureView(BaseModel):
    lead_id: str
    stage: str | None
    persona: str | None
    track: str | None = Field(description="Stage and persona whose content the lead gets, if in nurturing.")
    consent: ConsentView
    time_zone: str | None = Field(None, description="The zone quiet hours are kept in.")
    recycle_reason: str | None = None
    journeys: list[JourneyView] = Field(default_factory=list, description="Journeys the lead is on.")
    handed_off: bool = Field(description="Has been with sales at least once.")
    catalogue_version: str
    steps: list[StepView]
    next_step: NextStepView | None = Field(description="What comes next and when it is due.")
    nothing_due: NothingDueView | None = Field(description="Why no step is due now.")
    as_of: datetime


@router.get("/leads/{lead_id}/nurture", response_model=NurtureView)
async def get_nurture(lead_id: str, session: SessionDep, rt: RuntimeDep) -> NurtureView:
    catalogue: Catalogue = rt.parts.state["catalogue"]
    now = rt.parts.state["clock"]()
    repo = SqlNurtureLeads(session)
    lead = await repo.get(lead_id)
    if lead is None:
        raise Problem(
            404, "Unknown lead",
            f"Nurture knows no lead {lead_id}; it appears with its first lifecycle event or touchpoint.",
        )
    sent = await repo.steps(lead_id)
    runs = (await repo.journeys_for([lead_id])).get(lead_id, [])
    paused = await rt.parts.state["handlers"].paused(repo)
    taken = (await repo.taken_up_for([lead_id])).get(lead_id, {})
    plan = plan_next(lead, sent, taken, catalogue, now, runs, paused)
    deliveries = await SqlDeliveries(session).for_lead(lead_id)
    return view(lead, sent, plan, catalogue, now, runs, deliveries)


def view(
    lead: LeadState, sent: list[SentStep], plan: Plan, catalogue: Catalogue, now: datetime,
    runs: list[JourneyRun] = (), deliveries: dict[str, dict] | None = None,
) -> NurtureView:
    in_nurturing = lead.stage in NURTURING_STAGES
    step, nothing = plan.step, plan.nothing_due
    return NurtureView(
        lead_id=lead.lead_id,
        stage=lead.stage.value if lead.stage else None,
        persona=lead.persona,
        track=catalogue.track(lead.stage, lead.persona, lead.recycle_reason) if in_nurturing else None,
        consent=ConsentView(
            email_marketing=lead.consent, stated_at=lead.consent_at, source=lead.consent_source, unsubscribed_at=lead.unsubscribed_at,
            double_opt_in_at=lead.double_opt_in_at, double_opt_in_required=catalogue.consent.double_opt_in_required,
        ),
        time_zone=lead_zone(lead, catalogue.quiet_hours) if catalogue.quiet_hours else lead.time_zone,
        recycle_reason=lead.recycle_reason,
        journeys=[JourneyView(journey_id=r.journey_id, topic=r.topic, track=r.track, started_at=r.started_at)
                  for r in runs],
        handed_off=lead.handed_off,
        catalogue_version=catalogue.version,
        steps=[
            StepView(
                step_id=s.step_id, content_id=s.content_id, title=s.title, track=s.track,
                stage=s.stage.value, sent_at=s.sent_at, answered_at=s.answered_at,
                delivery=(deliveries or {}).get(s.step_id),
            )
            for s in sent
        ],
        next_step=NextStepView(
            content_id=step.item.id, title=step.item.title, format=step.item.format, url=step.item.url,
            track=step.track, due_at=step.due_at, reason=step.reason,
        ) if step else None,
        nothing_due=NothingDueView(code=nothing.blocker.value, reason=nothing.text, until=nothing.until)
        if nothing else None,
        as_of=now,
    )
