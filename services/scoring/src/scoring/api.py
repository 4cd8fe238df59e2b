"""Scoring's HTTP surface: a lead's score, stage and the explanation behind them."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from lead_events import Stage, lead_id_for
from lead_events.envelope import in_utc_range
from lead_runtime.paging import CursorQuery, decode_cursor, next_cursor
from lead_runtime.problems import Problem
from lead_runtime.service import RuntimeDep, SessionDep
from pydantic import AfterValidator, AwareDatetime, TypeAdapter

from .adapters.agreements import SqlAgreements
from .adapters.repository import SqlLeadScores
from .domain.lead import LeadState
from .domain.rules import decayed
from .domain.score import decayed_lines, explain, line_view, score_running

router = APIRouter(prefix="/v1", tags=["leads"])
MAX_OFFSET = 2**63 - 1  # a ledger position is a bigint: beyond it a 422, not a driver error


STRONG_SIGNALS_SHOWN = 25
STAGE_HISTORY_SHOWN = 100
LEDGER_PAGE_MAX = 1000


async def _one_snapshot(session) -> None:
    """A lead read back is read in one snapshot: under READ COMMITTED each statement sees the latest
    commit, so its state, ledger and touchpoint count could straddle a batch being applied."""
    await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def _view(repo: SqlLeadScores, lead: LeadState, rt: RuntimeDep) -> dict:
    """A lead as sales read it, at a cost that does not grow with its history: the score from the
    running state, the ledger grouped by rule in one query, the latest strong signals; every line
    is paged through /v1/leads/{lead_id}/ledger."""
    handlers = rt.parts.state["handlers"]
    policy = handlers.policy
    now = datetime.now(UTC)
    half_life = policy.behaviour.half_life_days
    await handlers.fresh_behaviour(repo, [lead])  # a lead stored before the running state: from its ledger
    behaviour = lead.behaviour
    by_rule = await repo.rule_totals(lead.lead_id, lead.engagement_since, now, half_life)
    # the ledger stays the truth of what sales read: engagement is its sum (grouped in the
    # database), the running state gives the strongest lines
    score = replace(score_running(lead.profile, behaviour, now, policy),
                    engagement=round(sum(r["points"] for r in by_rule), 2))
    strong = decayed_lines(await repo.strong_lines(lead.lead_id, lead.engagement_since, STRONG_SIGNALS_SHOWN), now,
                           half_life)
    explanation = explain(lead.stage, score, lead.profile, policy, strong_signals=strong)
    explanation["behaviour_by_rule"] = by_rule
    history = await repo.stage_history(lead.lead_id, STAGE_HISTORY_SHOWN + 1)  # a lead recycled for years: its latest
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
        "explanation": explanation,
        "stage_history": history[-STAGE_HISTORY_SHOWN:],
        "stage_history_truncated": len(history) > STAGE_HISTORY_SHOWN,
    }


@router.get("/leads/{lead_id}")
async def get_lead(lead_id: str, session: SessionDep, rt: RuntimeDep) -> dict:
    await _one_snapshot(session)
    repo = SqlLeadScores(session)
    lead = await repo.get(lead_id)
    if lead is None:
        raise Problem(404, "Unknown lead", f"No lead with id {lead_id}; it appears after its first touchpoint is scored.")
    return await _view(repo, lead, rt)


@router.get("/leads/{lead_id}/ledger")
async def get_ledger(
    lead_id: str,
    session: SessionDep,
    rt: RuntimeDep,
    after: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="`next` of the previous page")] = 0,
    limit: Annotated[int, Query(ge=1, le=LEDGER_PAGE_MAX)] = 200,
) -> dict:
    """Every line of the lead's score ledger, in the order they were written, a page at a time:
    its points as written and decayed to now."""
    await _one_snapshot(session)
    repo = SqlLeadScores(session)
    lead = await repo.get(lead_id)
    if lead is None:
        raise Problem(404, "Unknown lead", f"No lead with id {lead_id}; it appears after its first touchpoint is scored.")
    now = datetime.now(UTC)
    half_life = rt.parts.state["handlers"].policy.behaviour.half_life_days
    page = await repo.ledger_page(lead_id, after, limit)
    lines = [
        {"position": position, **line_view(line), "agreement_version": version,
         "points_now": round(decayed(line.points, line.occurred_at, now, half_life), 2),
         "counted": lead.engagement_since is None or line.occurred_at >= lead.engagement_since}
        for position, line, version in page
    ]
    return {"lead_id": lead_id, "as_of": now.isoformat(), "lines": lines,
            "next": page[-1][0] if len(page) == limit else None}


LEADS_PAGE_MAX = 500
_LEADS_CURSOR = TypeAdapter(tuple[Annotated[AwareDatetime, AfterValidator(in_utc_range)], str])


def _summary(lead: LeadState, created_at: datetime, updated_at: datetime, now: datetime, policy) -> dict:
    """A lead in a list: who, where and the score from its running state, no explanation (that is
    GET /v1/leads/{lead_id}, `href`): nothing is read per lead."""
    score = score_running(lead.profile, lead.behaviour, now, policy)
    return {
        "lead_id": lead.lead_id,
        "email": lead.profile.email,
        "stage": lead.stage,
        "persona": score.fit.persona,
        "fit_score": score.fit.score,
        "fit_grade": score.fit.grade,
        "engagement_score": score.engagement,
        "total_score": round(score.total, 2),
        "episode": lead.episode,
        "created_at": created_at.isoformat(),
        "updated_at": updated_at.isoformat(),
        "href": f"/v1/leads/{lead.lead_id}",
    }


@router.get("/leads")
async def find_leads(
    session: SessionDep,
    rt: RuntimeDep,
    email: Annotated[str | None, Query(max_length=254, description="The lead of this email, explained in full.")] = None,
    stage: Annotated[Stage | None, Query(description="Only leads in this stage; all leads without it.")] = None,
    limit: Annotated[int, Query(ge=1, le=LEADS_PAGE_MAX, description="Leads on a page.")] = 50,
    cursor: CursorQuery = None,
    offset: Annotated[str | None, Query(include_in_schema=False)] = None,
) -> dict:
    """One lead by email (in full, with its explanation), or leads by stage a page at a time,
    newest first (when scoring first saw them): each a summary with its scores and `href` to the
    full view. `next` is the cursor of the following page, null on the last; a lead updated
    between two pages keeps its place."""
    if offset is not None:
        raise Problem(400, "offset is not supported",
                      "Leads are paged by cursor: leave offset out for the first page and pass `next` of a page "
                      "as cursor for the following one.",
                      errors=[{"field": "query.offset", "message": "use cursor"}])
    after = decode_cursor(cursor, _LEADS_CURSOR) if cursor is not None else None
    await _one_snapshot(session)
    repo = SqlLeadScores(session)
    if email is not None:
        lead = await repo.get(lead_id_for(email))
        if lead is None:
            raise Problem(404, "Unknown lead", "No lead with that email.")  # never echo personal data
        return {"leads": [await _view(repo, lead, rt)]}
    handlers = rt.parts.state["handlers"]
    rows = await repo.page_by_stage(stage.value if stage else None, limit + 1, after)
    page = rows[:limit]
    await handlers.fresh_behaviour(repo, [lead for lead, *_ in page])  # one statement, and only for stale leads
    now = datetime.now(UTC)
    return {
        "leads": [_summary(lead, created, updated, now, handlers.policy) for lead, created, updated in page],
        "stage": stage, "limit": limit, "as_of": now.isoformat(), "model_version": handlers.policy.version,
        "next": next_cursor(rows, limit, lambda row: (row[1], row[0].lead_id)),
    }


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
