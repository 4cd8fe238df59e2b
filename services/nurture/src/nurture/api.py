"""Nurture's HTTP surface: a lead's track, the steps sent, and what comes next or why nothing."""

from datetime import datetime

from fastapi import APIRouter
from lead_runtime.problems import Problem
from lead_runtime.service import RuntimeDep, SessionDep
from pydantic import BaseModel, Field

from .adapters.repository import SqlNurtureLeads
from .domain import NURTURING_STAGES, Catalogue, LeadState, Plan, SentStep, plan_next

router = APIRouter(prefix="/v1", tags=["nurture"])


class ConsentView(BaseModel):
    email_marketing: bool | None = Field(description="True, false, or null when unknown.")
    stated_at: datetime | None = None
    unsubscribed_at: datetime | None = None


class StepView(BaseModel):
    step_id: str
    content_id: str
    title: str
    track: str
    stage: str
    sent_at: datetime
    answered_at: datetime | None = None


class NextStepView(BaseModel):
    content_id: str
    title: str
    format: str
    url: str
    track: str
    due_at: datetime
    reason: str


class NothingDueView(BaseModel):
    code: str = Field(examples=["no_consent", "frequency_limit", "handed_off", "catalogue_exhausted"])
    reason: str
    until: datetime | None = Field(None, description="When this changes by itself, if it does.")


class NurtureView(BaseModel):
    lead_id: str
    stage: str | None
    persona: str | None
    track: str | None = Field(description="Stage and persona whose content the lead gets, if in nurturing.")
    consent: ConsentView
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
    plan = plan_next(lead, sent, await repo.consumed(lead_id), catalogue, now)
    return view(lead, sent, plan, catalogue, now)


def view(lead: LeadState, sent: list[SentStep], plan: Plan, catalogue: Catalogue, now: datetime) -> NurtureView:
    in_nurturing = lead.stage in NURTURING_STAGES
    step, nothing = plan.step, plan.nothing_due
    return NurtureView(
        lead_id=lead.lead_id,
        stage=lead.stage.value if lead.stage else None,
        persona=lead.persona,
        track=catalogue.track(lead.stage, lead.persona) if in_nurturing else None,
        consent=ConsentView(
            email_marketing=lead.consent, stated_at=lead.consent_at, unsubscribed_at=lead.unsubscribed_at
        ),
        handed_off=lead.handed_off,
        catalogue_version=catalogue.version,
        steps=[
            StepView(
                step_id=s.step_id, content_id=s.content_id, title=s.title, track=s.track,
                stage=s.stage.value, sent_at=s.sent_at, answered_at=s.answered_at,
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
