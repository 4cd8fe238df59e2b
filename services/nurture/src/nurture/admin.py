"""The global pause switch for operators: `PUT /v1/admin/pause` holds every step (events
and pushes), `DELETE` resumes; what fell due meanwhile goes out then. The agreement file's
`paused: true` holds everything too and cannot be lifted here. No auth of its own: expose it
only on the internal network, like /metrics."""

from datetime import datetime

from fastapi import APIRouter
from lead_runtime.service import RuntimeDep, SessionDep
from pydantic import BaseModel, Field

from .adapters.repository import SqlNurtureLeads

router = APIRouter(prefix="/v1/admin", tags=["operations"])


class PauseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, examples=["Mail server migration until 14:00"])


class PauseView(BaseModel):
    paused: bool
    reason: str | None = Field(description="Why, as the switch or the agreement says.")
    since: datetime | None = None
    by_agreement: bool = Field(description="nurture.yaml sets paused: true.")


async def _view(session: SessionDep, rt: RuntimeDep) -> PauseView:
    repo = SqlNurtureLeads(session)
    on, _, since = await repo.pause()
    reason = await rt.parts.state["handlers"].paused(repo)
    by_agreement = rt.parts.state["catalogue"].paused
    return PauseView(paused=reason is not None, reason=reason, since=since if on else None, by_agreement=by_agreement)


@router.get("/pause", response_model=PauseView)
async def get_pause(session: SessionDep, rt: RuntimeDep) -> PauseView:
    return await _view(session, rt)


@router.put("/pause", response_model=PauseView)
async def pause(body: PauseIn, session: SessionDep, rt: RuntimeDep) -> PauseView:
    async with session.begin():
        await SqlNurtureLeads(session).set_pause(True, body.reason, rt.parts.state["clock"]())
    return await _view(session, rt)


@router.delete("/pause", response_model=PauseView)
async def resume(session: SessionDep, rt: RuntimeDep) -> PauseView:
    async with session.begin():
        await SqlNurtureLeads(session).set_pause(False, None, rt.parts.state["clock"]())
    return await _view(session, rt)
