"""SqlRouting: round-robin credits and monthly load; queries only, the caller commits."""

from collections import defaultdict

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.routing import Assignment, RoutingState
from .tables import rep_load, routing_credits

# Routing decisions read and write shared credits: one at a time, until the commit.
_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('handoff.routing'))")


class SqlRouting:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self) -> None:
        await self._session.execute(_LOCK)

    async def state(self, month: str) -> RoutingState:
        credits: dict[str, dict[str, float]] = defaultdict(dict)
        for row in (await self._session.execute(select(routing_credits))).all():
            credits[row.team][row.rep_id] = row.credit
        loads = await self._session.execute(select(rep_load).where(rep_load.c.month == month))
        return RoutingState(credits=dict(credits), load={r.rep_id: r.assigned for r in loads.all()})

    async def save(self, assignment: Assignment, month: str) -> None:
        if assignment.credits:
            stmt = pg_insert(routing_credits).values(
                [{"team": assignment.team, "rep_id": rep, "credit": c} for rep, c in assignment.credits.items()]
            )
            await self._session.execute(
                stmt.on_conflict_do_update(index_elements=["team", "rep_id"], set_={"credit": stmt.excluded.credit})
            )
        if assignment.rep is not None:
            stmt = pg_insert(rep_load).values(rep_id=assignment.rep.rep_id, month=month, assigned=1)
            await self._session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["rep_id", "month"], set_={"assigned": rep_load.c.assigned + 1}
                )
            )
