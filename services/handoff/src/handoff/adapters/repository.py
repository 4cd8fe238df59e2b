"""SqlHandoffs: queries only; the handler, route or worker owns the transaction."""

from datetime import datetime
from typing import Any

from lead_events import Stage
from sqlalchemy import Row, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from lead_runtime.db import any_of

from ..domain.delivery import DeliveryStatus
from ..domain.model import Handoff
from ..domain.sla import SlaDeadlines
from .tables import crm_feedback, handoff_attempts, handoffs

_MARK_PROCESSED = text("INSERT INTO processed_events (event_id) VALUES (:id) ON CONFLICT DO NOTHING")

# A handoff's latest rows, a handoff at a time through the (handoff_id, id) index (the lateral
# subquery, fenced by OFFSET 0, so the planner cannot turn it into a scan of the whole table).
_LATEST_ATTEMPTS = text("""
SELECT a.* FROM unnest(CAST(:ids AS text[])) AS h(handoff_id)
CROSS JOIN LATERAL (SELECT * FROM handoff_attempts a WHERE a.handoff_id = h.handoff_id
                    ORDER BY a.id DESC LIMIT :n OFFSET 0) a
""")
_LATEST_FEEDBACK = text("""
SELECT f.* FROM unnest(CAST(:ids AS text[])) AS h(handoff_id)
CROSS JOIN LATERAL (SELECT * FROM crm_feedback f WHERE f.handoff_id = h.handoff_id
                    ORDER BY f.id DESC LIMIT :n OFFSET 0) f
""")


def _to_handoff(row: Row) -> Handoff:
    return Handoff(
        handoff_id=row.handoff_id,
        lead_id=row.lead_id,
        episode=row.episode,
        stage=Stage(row.stage),
        handed_at=row.handed_at,
        deadlines=SlaDeadlines(row.sla_first_contact_due, row.sla_hard_limit),
        responded_at=row.responded_at,
        rep_id=row.rep_id,
        payload=row.payload,
        delivery_status=DeliveryStatus(row.delivery_status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
        correlation_id=row.correlation_id,
        team=row.team,
        assignment=row.assignment,
        sla_next_check_at=row.sla_next_check_at,
        budget_start=row.budget_start,
    )


class SqlHandoffs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, handoff: Handoff, source_event_id: str) -> bool:
        """False when the lead was already handed off in this episode."""
        stmt = (
            pg_insert(handoffs)
            .values(
                handoff_id=handoff.handoff_id,
                lead_id=handoff.lead_id,
                episode=handoff.episode,
                stage=handoff.stage.value,
                handed_at=handoff.handed_at,
                sla_first_contact_due=handoff.deadlines.first_contact_due,
                sla_hard_limit=handoff.deadlines.hard_limit,
                payload=handoff.payload,
                source_event_id=source_event_id,
                correlation_id=handoff.correlation_id,
                delivery_status=handoff.delivery_status.value,
                next_attempt_at=handoff.next_attempt_at,
                rep_id=handoff.rep_id,
                team=handoff.team,
                assignment=handoff.assignment,
                sla_next_check_at=handoff.sla_next_check_at,
            )
            .on_conflict_do_nothing()
            .returning(handoffs.c.handoff_id)
        )
        return (await self._session.execute(stmt)).first() is not None

    async def get_for_update(self, lead_id: str, handoff_id: str | None = None) -> Handoff | None:
        """The given handoff of the lead, or its latest episode; locked until the commit."""
        stmt = select(handoffs).where(handoffs.c.lead_id == lead_id)
        if handoff_id is not None:
            stmt = stmt.where(handoffs.c.handoff_id == handoff_id)
        stmt = stmt.order_by(handoffs.c.episode.desc()).limit(1).with_for_update()
        row = (await self._session.execute(stmt)).first()
        return _to_handoff(row) if row else None

    async def set_stage(
        self, handoff_id: str, stage: Stage, responded_at: datetime | None, rep_id: str | None
    ) -> None:
        await self._session.execute(
            update(handoffs)
            .where(handoffs.c.handoff_id == handoff_id)
            .values(
                stage=stage.value,
                responded_at=func.coalesce(handoffs.c.responded_at, responded_at),
                rep_id=func.coalesce(rep_id, handoffs.c.rep_id),
                # Any answer from sales closes the follow-up SLA.
                sla_next_check_at=None if responded_at is not None else handoffs.c.sla_next_check_at,
                updated_at=func.now(),
            )
        )

    async def add_feedback(self, **values: Any) -> None:
        await self._session.execute(insert(crm_feedback).values(**values))

    async def mark_processed(self, event_id: str) -> None:
        await self._session.execute(_MARK_PROCESSED, {"id": event_id})

    async def for_lead(self, lead_id: str, limit: int, before_episode: int | None = None) -> list[Handoff]:
        """Up to `limit` of the lead's handoffs, newest episode first, before `before_episode`
        (through uq_handoffs_lead_episode: a page costs the same however often the lead came back)."""
        c = handoffs.c
        stmt = select(handoffs).where(c.lead_id == lead_id).order_by(c.episode.desc()).limit(limit)
        if before_episode is not None:
            stmt = stmt.where(c.episode < before_episode)
        return [_to_handoff(r) for r in (await self._session.execute(stmt)).all()]

    async def latest_attempts(self, handoff_ids: list[str], limit: int) -> list[Row]:
        """Each handoff's latest `limit` delivery attempts, newest first: one statement for a page."""
        return list(await self._session.execute(_LATEST_ATTEMPTS, {"ids": handoff_ids, "n": limit}))

    async def latest_feedback(self, handoff_ids: list[str], limit: int) -> list[Row]:
        """Each handoff's latest `limit` CRM answers, newest first: one statement for a page."""
        return list(await self._session.execute(_LATEST_FEEDBACK, {"ids": handoff_ids, "n": limit}))

    async def feedback_page(self, lead_id: str, limit: int, before_id: int | None = None,
                            unmatched: bool = False) -> list[Row]:
        """Up to `limit` CRM answers about the lead, newest first, before `before_id`; `unmatched`:
        only those that named no handoff of it (read through ix_crm_feedback_lead)."""
        c = crm_feedback.c
        stmt = select(crm_feedback).where(c.lead_id == lead_id).order_by(c.id.desc()).limit(limit)
        if before_id is not None:
            stmt = stmt.where(c.id < before_id)
        if unmatched:
            stmt = stmt.where(c.handoff_id.is_(None))
        return list((await self._session.execute(stmt)).all())

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[Handoff]:
        """Pending deliveries that are due, leased until `lease_until` so no other worker takes
        them while this one pushes; a crash mid-push lets the lease run out and retries."""
        due = (
            select(handoffs.c.handoff_id)
            .where(handoffs.c.delivery_status == DeliveryStatus.PENDING.value)
            .where(handoffs.c.next_attempt_at <= now)
            .order_by(handoffs.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = [r.handoff_id for r in (await self._session.execute(due)).all()]
        if not ids:
            return []
        stmt = (
            update(handoffs)
            .where(any_of(handoffs.c.handoff_id, ids))
            .values(next_attempt_at=lease_until)
            .returning(*handoffs.c)
        )
        return [_to_handoff(r) for r in (await self._session.execute(stmt)).all()]

    async def record_attempt(
        self,
        handoff_id: str,
        *,
        attempt: int,
        at: datetime,
        status_code: int | None,
        error: str | None,
        result: str,
        status: DeliveryStatus,
        next_attempt_at: datetime | None,
    ) -> None:
        await self._session.execute(
            insert(handoff_attempts).values(
                handoff_id=handoff_id, attempt=attempt, at=at, status_code=status_code, error=error, result=result
            )
        )
        delivered_at = at if status is DeliveryStatus.DELIVERED else None
        await self._session.execute(
            update(handoffs)
            .where(handoffs.c.handoff_id == handoff_id)
            .values(
                attempts=attempt,
                delivery_status=status.value,
                next_attempt_at=next_attempt_at,
                delivered_at=delivered_at,
                updated_at=func.now(),
            )
        )
