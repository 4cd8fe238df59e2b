"""SqlSla: what the SLA watcher reads and writes; queries only, the watcher commits."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from lead_runtime.db import any_of

from ..domain.model import Handoff
from ..domain.sla import SlaDeadlines
from .repository import _to_handoff
from .tables import handoffs, sla_breaches


class SqlSla:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_due(self, now: datetime, limit: int) -> list[Handoff]:
        """Handoffs whose next SLA check is due, locked; another watcher skips them."""
        stmt = (
            select(handoffs)
            .where(handoffs.c.sla_next_check_at <= now)
            .order_by(handoffs.c.sla_next_check_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_to_handoff(r) for r in (await self._session.execute(stmt)).all()]

    async def add_breach(self, **values: Any) -> bool:
        """False when this deadline's breach is already recorded (once per deadline)."""
        stmt = pg_insert(sla_breaches).values(**values).on_conflict_do_nothing().returning(sla_breaches.c.id)
        return (await self._session.execute(stmt)).first() is not None

    async def breaches_of(self, handoff_ids: list[str]) -> list[Row]:
        stmt = select(sla_breaches).where(any_of(sla_breaches.c.handoff_id, handoff_ids)).order_by(sla_breaches.c.id)
        return list((await self._session.execute(stmt)).all())

    async def reassign(
        self, handoff_id: str, rep_id: str | None, team: str | None, assignment: dict, deadlines: SlaDeadlines
    ) -> None:
        """The new rep, also in the payload, so a push still pending carries them."""
        payload = func.jsonb_set(handoffs.c.payload, literal_column("'{assigned_to}'::text[]"), literal(assignment, JSONB))
        await self._session.execute(
            update(handoffs)
            .where(handoffs.c.handoff_id == handoff_id)
            .values(
                rep_id=rep_id, team=team, assignment=assignment, payload=payload,
                sla_first_contact_due=deadlines.first_contact_due, updated_at=func.now(),
            )
        )

    async def set_next_check(self, handoff_id: str, at: datetime | None) -> None:
        await self._session.execute(
            update(handoffs).where(handoffs.c.handoff_id == handoff_id).values(sla_next_check_at=at)
        )
