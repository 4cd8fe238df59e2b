"""Scoring's HTTP surface: a lead's score, stage and the explanation behind them."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from lead_events import Stage, lead_id_for
from lead_runtime.problems import Problem
from lead_runtime.service import RuntimeDep, SessionDep

from .adapters.agreements import SqlAgreements
from .adapters.repository import SqlLeadScores
from .domain.lead import LeadState
from .domain.score import explain, score_lead

router = APIRouter(prefix="/v1", tags=["leads"])
MAX_OFFSET = 2**63 - 1  # PostgreSQL's OFFSET is a bigint: beyond it a 422, not a driver error


async def _view(repo: SqlLeadScores, lead: LeadState, rt: RuntimeDep) -> dict:
    policy = rt.parts.state["handlers"].policy
    now = datetime.now(UTC)
    score = score_lead(lead.profile, await repo.ledger(lead.lead_id), now, policy, lead.engagement_since)
    return {
        "lead_id": lead.lead_id,
        "email": lead.profile.email,
        "stage": lead.stage,
        "consent": lead.consent,
        "persona": score.fit.persona,
        "authority": score.fit.authority,
        "fit_score": score.fit.score,
        "fit_grade": score.fit.grade,
        "engagement_score": score.engagement,
        "total_score": round(score.total, 2),
        "model_version": policy.version,
        "as_of": now.isoformat(),
        "episode": lead.episode,
        "decays_below_threshold_at": lead.review_at.isoformat() if lead.review_at else None,
        "touchpoints": await repo.touchpoint_count(lead.lead_id),
        "explanation": explain(lead.stage, score, lead.profile, policy),
        "stage_history": await repo.stage_history(lead.lead_id),
    }


@router.get("/leads/{lead_id}")
async def get_lead(lead_id: str, session: SessionDep, rt: RuntimeDep) -> dict:
    repo = SqlLeadScores(session)
    lead = await repo.get(lead_id)
    if lead is None:
        raise Problem(404, "Unknown lead", f"No lead with id {lead_id}; it appears after its first touchpoint is scored.")
    return await _view(repo, lead, rt)


@router.get("/leads")
async def find_leads(
    session: SessionDep,
    rt: RuntimeDep,
    email: Annotated[str | None, Query(max_length=254)] = None,
    stage: Stage | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict:
    repo = SqlLeadScores(session)
    if email is not None:
        lead = await repo.get(lead_id_for(email))
        if lead is None:
            raise Problem(404, "Unknown lead", "No lead with that email.")  # never echo personal data
        return {"leads": [await _view(repo, lead, rt)]}
    found = await repo.list_by_stage(stage.value if stage else None, limit, offset)
    return {"leads": [await _view(repo, lead, rt) for lead in found], "limit": limit, "offset": offset}


@router.get("/agreement", tags=["agreement"])
async def get_agreement(session: SessionDep, rt: RuntimeDep) -> dict:
    """The active agreement version and every version recorded, newest last."""
    history = await SqlAgreements(session).history()
    active = rt.parts.state["handlers"].policy
    return {
        "active_version": active.version,
        "active": active.model_dump(mode="json"),
        "versions": [
            {"version": a.version, "loaded_from": a.loaded_from, "activated_at": a.activated_at} for a in history
        ],
    }
