"""SqlErasures: handoff's rows of one lead lose the person. Queries only; the caller owns the transaction."""

from datetime import datetime

from lead_events import redact
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.delivery import DeliveryStatus
from ..domain.privacy import erased_payload
from .tables import crm_feedback, handoff_attempts, handoffs


class SqlErasures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def erase_lead(self, lead_id: str, now: datetime) -> int:
        """Scrubs the lead's handoffs, attempts and feedback; a push not yet made is cancelled.
        Returns how many handoffs there were."""
        h = handoffs.c
        rows = (await self._session.execute(
            select(h.handoff_id, h.payload, h.delivery_status).where(h.lead_id == lead_id).with_for_update()
        )).all()
        secrets: set[str] = set()
        for row in rows:
            payload, found = erased_payload(row.payload)
            secrets.update(found)
            values: dict = {"payload": payload, "updated_at": now}
            if row.delivery_status == DeliveryStatus.PENDING.value:
                values |= {"delivery_status": DeliveryStatus.CANCELLED.value, "next_attempt_at": None}
            await self._session.execute(update(handoffs).where(h.handoff_id == row.handoff_id).values(**values))
        if secrets:
            await self._redact_text(lead_id, sorted(secrets))
        return len(rows)

    async def _redact_text(self, lead_id: str, secrets: list[str]) -> None:
        """Free text a CRM or a rep wrote may repeat the person's address or name."""
        a, f = handoff_attempts.c, crm_feedback.c
        ids = select(handoffs.c.handoff_id).where(handoffs.c.lead_id == lead_id)
        for row in (await self._session.execute(select(a.id, a.error).where(a.handoff_id.in_(ids)))).all():
            if row.error and (clean := redact(row.error, secrets)) != row.error:
                await self._session.execute(update(handoff_attempts).where(a.id == row.id).values(error=clean))
        for row in (await self._session.execute(select(f.id, f.reason, f.detail).where(f.lead_id == lead_id))).all():
            reason, detail = redact(row.reason, secrets), redact(row.detail, secrets)
            if (reason, detail) != (row.reason, row.detail):
                await self._session.execute(update(crm_feedback).where(f.id == row.id).values(reason=reason, detail=detail))
