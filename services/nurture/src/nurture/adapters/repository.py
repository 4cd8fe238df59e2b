"""SqlNurtureLeads: rows <-> domain values. Queries only; the caller owns the transaction."""

from datetime import datetime

from lead_events import Stage
from sqlalchemy import Row, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain import LeadState, SentStep
from .tables import nurture_consumed, nurture_leads, nurture_steps


class SqlNurtureLeads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, lead_id: str, *, lock: bool = False) -> LeadState | None:
        query = select(nurture_leads).where(nurture_leads.c.lead_id == lead_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return _lead(row) if row else None

    async def save(self, lead: LeadState, next_due_at: datetime | None) -> None:
        values = {
            "email": lead.email,
            "persona": lead.persona,
            "stage": lead.stage.value if lead.stage else None,
            "consent": lead.consent,
            "consent_at": lead.consent_at,
            "unsubscribed_at": lead.unsubscribed_at,
            "handed_off": lead.handed_off,
            "next_due_at": next_due_at,
            "updated_at": lead.updated_at,
        }
        stmt = insert(nurture_leads).values(lead_id=lead.lead_id, **values)
        await self._session.execute(stmt.on_conflict_do_update(index_elements=["lead_id"], set_=values))

    async def due(self, now: datetime, limit: int) -> list[LeadState]:
        """Leads whose next step may have become due; rows another transaction holds are skipped."""
        query = (
            select(nurture_leads)
            .where(nurture_leads.c.next_due_at <= now)
            .order_by(nurture_leads.c.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_lead(row) for row in (await self._session.execute(query)).all()]

    async def steps(self, lead_id: str) -> list[SentStep]:
        query = (
            select(nurture_steps)
            .where(nurture_steps.c.lead_id == lead_id)
            .order_by(nurture_steps.c.sent_at, nurture_steps.c.step_id)
        )
        return [
            SentStep(
                step_id=r.step_id, content_id=r.content_id, title=r.title, track=r.track,
                stage=Stage(r.stage), sent_at=r.sent_at, answered_at=r.answered_at,
            )
            for r in (await self._session.execute(query)).all()
        ]

    async def add_step(
        self, lead_id: str, step: SentStep, *, event_id: str, cause_event_id: str | None, correlation_id: str
    ) -> bool:
        """False if this content was already sent to the lead (nothing is written then)."""
        stmt = (
            insert(nurture_steps)
            .values(
                step_id=step.step_id, lead_id=lead_id, content_id=step.content_id, title=step.title,
                track=step.track, stage=step.stage.value, sent_at=step.sent_at, event_id=event_id,
                cause_event_id=cause_event_id, correlation_id=correlation_id,
            )
            .on_conflict_do_nothing()
            .returning(nurture_steps.c.step_id)
        )
        return (await self._session.execute(stmt)).first() is not None

    async def mark_answered(self, step_id: str, at: datetime) -> None:
        stmt = update(nurture_steps).where(
            nurture_steps.c.step_id == step_id, nurture_steps.c.answered_at.is_(None)
        )
        await self._session.execute(stmt.values(answered_at=at))

    async def last_correlation_id(self, lead_id: str) -> str | None:
        query = (
            select(nurture_steps.c.correlation_id)
            .where(nurture_steps.c.lead_id == lead_id)
            .order_by(nurture_steps.c.sent_at.desc())
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def consumed(self, lead_id: str) -> set[str]:
        query = select(nurture_consumed.c.content_id).where(nurture_consumed.c.lead_id == lead_id)
        return set((await self._session.execute(query)).scalars())

    async def add_consumed(self, lead_id: str, content_id: str, at: datetime, event_id: str) -> None:
        stmt = insert(nurture_consumed).values(
            lead_id=lead_id, content_id=content_id, consumed_at=at, event_id=event_id
        )
        await self._session.execute(stmt.on_conflict_do_nothing())


def _lead(row: Row) -> LeadState:
    return LeadState(
        lead_id=row.lead_id,
        email=row.email,
        persona=row.persona,
        stage=Stage(row.stage) if row.stage else None,
        consent=row.consent,
        consent_at=row.consent_at,
        unsubscribed_at=row.unsubscribed_at,
        handed_off=row.handed_off,
        updated_at=row.updated_at,
    )
