"""Thin routes: CRM feedback in, handoff status out. Errors are problem+json."""

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Query
from lead_events import FeedbackData, Outcome, is_ahead, lead_id_for
from lead_events.envelope import in_utc_range
from lead_runtime.outbox import add_event
from lead_runtime.paging import CursorQuery, decode_cursor
from lead_runtime.problems import Problem
from lead_runtime.service import RuntimeDep, SessionDep
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from .handlers import submit_feedback
from .views import HANDOFFS_PAGE_MAX, feedback_report, handoff_report

router = APIRouter(prefix="/v1", tags=["handoff"])


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    lead_id: str | None = Field(None, min_length=1)
    email: str | None = Field(None, min_length=3, description="Used when lead_id is not given.")
    outcome: Outcome
    reason: str | None = Field(None, max_length=200, examples=["not_ready", "competitor"])
    rep_id: str | None = Field(None, max_length=200)
    at: Annotated[AwareDatetime, AfterValidator(in_utc_range)] | None = Field(  # as FeedbackData will need it
        None, description="When sales decided; defaults to now.")
    handoff_id: str | None = Field(None, description="Defaults to the lead's latest handoff.")

    @model_validator(mode="after")
    def _has_lead(self) -> Self:
        if not self.lead_id and not self.email:
            raise ValueError("give lead_id or email")
        return self

    def target_lead_id(self) -> str:
        return self.lead_id or lead_id_for(self.email or "")


@router.post("/crm/feedback")
async def post_feedback(body: FeedbackIn, session: SessionDep, rt: RuntimeDep) -> dict[str, Any]:
    lead_id = body.target_lead_id()
    clock = rt.parts.state["clock"]
    now = clock()
    if body.at is not None and is_ahead(body.at, now, rt.parts.state["policy"].clock_skew):
        raise Problem(422, "Invalid feedback", f"at {body.at.isoformat()} is in the future (now"
                      f" {now.isoformat(timespec='seconds')}); send the time sales decided.",
                      errors=[{"field": "at", "message": "in the future"}])
    feedback = FeedbackData(
        outcome=body.outcome, reason=body.reason, rep_id=body.rep_id, at=body.at or now,
        handoff_id=body.handoff_id,
    )
    async with session.begin():
        result = await submit_feedback(session, lead_id, feedback, policy=rt.parts.state["policy"], now=now)
        for topic, event in result.events:
            await add_event(session, topic, event)
    if result.events:
        rt.relay.wake()
    if result.result == "unknown_lead":
        raise Problem(404, "No handoff for this lead",
                      f"Lead {lead_id} has not been handed to sales ({result.detail}); nothing to give feedback on.",
                      lead_id=lead_id)
    if result.result == "out_of_time":
        raise Problem(409, "Feedback answers another episode",
                      f"Lead {lead_id}: not applied, {result.detail}.",
                      lead_id=lead_id, stage=result.stage.value, handoff_id=result.handoff.handoff_id)
    if result.result == "refused":
        raise Problem(409, "Feedback does not fit the handoff's stage",
                      f"Lead {lead_id} is {result.stage.value}: {result.detail}.",
                      lead_id=lead_id, stage=result.stage.value, handoff_id=result.handoff.handoff_id)
    return {
        "lead_id": lead_id,
        "handoff_id": result.handoff.handoff_id,
        "episode": result.handoff.episode,
        "stage": result.stage.value,
        "changed": result.result == "applied",
        "contacted": result.result == "contacted",
    }


_EPISODE_CURSOR = TypeAdapter(tuple[Annotated[int, Field(ge=0, le=2**31 - 1)]])  # episode is an integer column
_FEEDBACK_CURSOR = TypeAdapter(tuple[Annotated[int, Field(ge=0, le=2**63 - 1)]])  # crm_feedback.id: a bigint


@router.get("/handoffs/{lead_id}")
async def get_handoffs(
    lead_id: str,
    session: SessionDep,
    rt: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=HANDOFFS_PAGE_MAX, description="Handoffs on a page.")] = 20,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """To whom and when the lead was handed, delivery attempts, SLA status and CRM answers. A page
    holds the lead's newest `limit` handoffs, listed in episode order (the latest last); `next`
    pages to earlier episodes, null when there are none. Each handoff shows its latest 50 delivery
    attempts and CRM answers (`attempts_truncated`, `feedback_truncated` say older ones exist;
    every answer is in GET /v1/handoffs/{lead_id}/feedback)."""
    before = decode_cursor(cursor, _EPISODE_CURSOR)[0] if cursor is not None else None
    now: datetime = rt.parts.state["clock"]()
    report = await handoff_report(session, lead_id, now, limit, before)
    if report is None:
        raise Problem(404, "No handoff for this lead", f"Lead {lead_id} has not been handed to sales.",
                      lead_id=lead_id)
    report["now"] = now
    return report


@router.get("/handoffs/{lead_id}/feedback")
async def get_feedback(
    lead_id: str,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=HANDOFFS_PAGE_MAX, description="Answers on a page.")] = 50,
    cursor: CursorQuery = None,
    unmatched: Annotated[bool, Query(description="Only the answers that named no handoff of the lead.")] = False,
) -> dict[str, Any]:
    """Every CRM answer about the lead, applied or refused, newest first, a page at a time; `next`
    is null on the last page. An unknown lead has no answers (an empty page)."""
    before = decode_cursor(cursor, _FEEDBACK_CURSOR)[0] if cursor is not None else None
    return await feedback_report(session, lead_id, limit, before, unmatched)
