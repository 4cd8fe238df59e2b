"""SqlDeliveries: the queue of HTTP pushes. Queries only; the caller owns the transaction."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import cast, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import nurture_deliveries, nurture_leads, nurture_steps

_NO_EMAIL = cast({"email": None}, JSONB)


@dataclass(frozen=True)
class Delivery:
    step_id: str
    lead_id: str
    body: dict
    attempts: int
    consent: bool | None
    unsubscribed_at: datetime | None
    queued_at: datetime | None = None
    correlation_id: str | None = None  # of the step; None once the person was erased


class SqlDeliveries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[Delivery]:
        """Due pushes, locked with SKIP LOCKED and leased: a crash mid-push makes them due again
        after the lease, and the Idempotency-Key lets the email system drop the duplicate."""
        d, lead, step = nurture_deliveries.c, nurture_leads.c, nurture_steps.c
        query = (
            select(d.step_id, d.lead_id, d.body, d.attempts, d.created_at, lead.consent, lead.unsubscribed_at,
                   step.correlation_id)
            .join(nurture_leads, lead.lead_id == d.lead_id, isouter=True)
            .join(nurture_steps, step.step_id == d.step_id, isouter=True)
            .where(d.status == "pending", d.next_attempt_at <= now)
            .order_by(d.next_attempt_at)
            .limit(limit)
            .with_for_update(of=nurture_deliveries, skip_locked=True)
        )
        rows = (await self._session.execute(query)).all()
        if rows:
            ids = [r.step_id for r in rows]
            await self._session.execute(
                update(nurture_deliveries).where(d.step_id.in_(ids)).values(next_attempt_at=lease_until)
            )
        return [
            Delivery(r.step_id, r.lead_id, r.body, r.attempts, r.consent, r.unsubscribed_at, r.created_at, r.correlation_id)
            for r in rows
        ]

    async def record(
        self, step_id: str, *, attempts: int, status: str, next_attempt_at: datetime | None,
        status_code: int | None, error: str | None, at: datetime,
    ) -> None:
        finished = at if status != "pending" else None
        await self._session.execute(
            update(nurture_deliveries).where(nurture_deliveries.c.step_id == step_id).values(
                attempts=attempts, status=status, next_attempt_at=next_attempt_at,
                last_status_code=status_code, last_error=error, finished_at=finished,
            )
        )

    async def for_lead(self, lead_id: str) -> dict[str, dict]:
        query = select(nurture_deliveries).where(nurture_deliveries.c.lead_id == lead_id)
        return {
            r.step_id: {"status": r.status, "attempts": r.attempts, "last_status_code": r.last_status_code,
                        "last_error": r.last_error, "finished_at": r.finished_at}
            for r in (await self._session.execute(query)).all()
        }

    async def erase_lead(self, lead_id: str, at: datetime) -> None:
        """Pushes not yet made are cancelled; every body loses the address."""
        d = nurture_deliveries.c
        await self._session.execute(
            update(nurture_deliveries).where(d.lead_id == lead_id, d.status == "pending")
            .values(status="cancelled", next_attempt_at=None, last_error="person erased", finished_at=at)
        )
        await self._session.execute(
            update(nurture_deliveries).where(d.lead_id == lead_id).values(body=d.body.op("||")(_NO_EMAIL))
        )
