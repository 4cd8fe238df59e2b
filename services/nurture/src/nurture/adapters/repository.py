"""SqlNurtureLeads: rows <-> domain values. Queries only; the caller owns the transaction."""

from collections.abc import Sequence
from datetime import datetime

from lead_events import Stage, TouchpointRecorded
from lead_runtime.visitors import identify
from sqlalchemy import Row, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from lead_runtime.db import any_of

from ..domain import JourneyRun, LeadState, SentStep
from .tables import (
    nurture_consumed, nurture_deliveries, nurture_journeys, nurture_leads, nurture_steps, nurture_switches,
    visitor_links,
)

PAUSE = "pause"
_LEAD_FIELDS = (
    "email", "persona", "stage", "consent", "consent_at", "unsubscribed_at", "handed_off", "updated_at",
    "double_opt_in_at", "country", "time_zone", "recycle_reason", "known", "consent_source", "withdrawn_at",
)


# One round trip: the visitor's rows move to the lead; where both took the item up, the lead's stays.
_ADOPT = text(
    "WITH moved AS (DELETE FROM nurture_consumed WHERE lead_id = :visitor RETURNING content_id, consumed_at, event_id)"
    " INSERT INTO nurture_consumed (lead_id, content_id, consumed_at, event_id)"
    " SELECT :lead, content_id, consumed_at, event_id FROM moved ON CONFLICT DO NOTHING"
)

class SqlNurtureLeads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, lead_id: str, *, lock: bool = False) -> LeadState | None:
        query = select(nurture_leads).where(nurture_leads.c.lead_id == lead_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return _lead(row) if row else None

    async def get_many(self, lead_ids: Sequence[str], *, lock: bool = False) -> dict[str, LeadState]:
        if not lead_ids:
            return {}
        query = select(nurture_leads).where(any_of(nurture_leads.c.lead_id, sorted(lead_ids)))
        if lock:  # in lead_id order, as every instance locks: no deadlock between them
            query = query.order_by(nurture_leads.c.lead_id).with_for_update()
        return {row.lead_id: _lead(row) for row in (await self._session.execute(query)).all()}

    async def save(self, lead: LeadState, next_due_at: datetime | None) -> None:
        await self.save_many([(lead, next_due_at)])

    async def save_many(self, leads: Sequence[tuple[LeadState, datetime | None]]) -> None:
        if not leads:
            return
        # executemany of one cached statement, not a VALUES list compiled anew for every size
        rows = [_row(lead) | {"next_due_at": due} for lead, due in leads]
        stmt = insert(nurture_leads)
        columns = (*_LEAD_FIELDS, "next_due_at")
        stmt = stmt.on_conflict_do_update(index_elements=["lead_id"], set_={c: stmt.excluded[c] for c in columns})
        await self._session.execute(stmt, rows)

    async def due(self, now: datetime, limit: int) -> list[LeadState]:
        """Leads whose next step may have become due, through the index on next_due_at;
        rows another transaction holds are skipped, so workers never send one step twice."""
        query = (
            select(nurture_leads)
            .where(nurture_leads.c.next_due_at <= now)
            .order_by(nurture_leads.c.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_lead(row) for row in (await self._session.execute(query)).all()]

    async def steps(self, lead_id: str) -> list[SentStep]:
        return (await self.steps_for([lead_id])).get(lead_id, [])

    async def steps_for(self, lead_ids: Sequence[str]) -> dict[str, list[SentStep]]:
        query = (
            select(nurture_steps)
            .where(any_of(nurture_steps.c.lead_id, lead_ids))
            .order_by(nurture_steps.c.sent_at, nurture_steps.c.step_id)
        )
        found: dict[str, list[SentStep]] = {}
        for r in (await self._session.execute(query)).all():
            found.setdefault(r.lead_id, []).append(SentStep(
                step_id=r.step_id, content_id=r.content_id, title=r.title, track=r.track,
                stage=Stage(r.stage), sent_at=r.sent_at, answered_at=r.answered_at,
            ))
        return found

    async def add_step(
        self, lead_id: str, step: SentStep, *, event_id: str, cause_event_id: str | None, correlation_id: str
    ) -> bool:
        """False if this content was already sent to the lead (nothing is written then)."""
        row = dict(lead_id=lead_id, event_id=event_id, cause_event_id=cause_event_id, correlation_id=correlation_id)
        return bool(await self.add_steps([(step, row)]))

    async def add_steps(self, steps: Sequence[tuple[SentStep, dict]]) -> set[str]:
        """The step ids written; one already sent (same lead and content) is left out."""
        if not steps:
            return set()
        rows = [
            dict(step_id=s.step_id, content_id=s.content_id, title=s.title, track=s.track,
                 stage=s.stage.value, sent_at=s.sent_at, **extra)
            for s, extra in steps
        ]
        stmt = insert(nurture_steps).on_conflict_do_nothing().returning(nurture_steps.c.step_id)
        return set((await self._session.execute(stmt, rows)).scalars())

    async def mark_answered(self, step_id: str, at: datetime) -> None:
        await self.mark_answered_many([(step_id, at)])

    async def mark_answered_many(self, answers: Sequence[tuple[str, datetime]]) -> None:
        """(step_id, answered at) of a batch, in one executemany; an answered step keeps its first answer."""
        if answers:
            stmt = update(nurture_steps).where(
                nurture_steps.c.step_id == bindparam("answered_step"), nurture_steps.c.answered_at.is_(None)
            ).values(answered_at=bindparam("at"))
            await self._session.execute(stmt, [{"answered_step": step_id, "at": at} for step_id, at in answers])

    async def last_correlation_id(self, lead_id: str) -> str | None:
        return (await self.last_correlation_ids([lead_id])).get(lead_id)

    async def last_correlation_ids(self, lead_ids: Sequence[str]) -> dict[str, str]:
        query = (
            select(nurture_steps.c.lead_id, nurture_steps.c.correlation_id)
            .where(any_of(nurture_steps.c.lead_id, lead_ids))
            .order_by(nurture_steps.c.lead_id, nurture_steps.c.sent_at.desc())
            .distinct(nurture_steps.c.lead_id)
        )
        return {r.lead_id: r.correlation_id for r in (await self._session.execute(query)).all()}

    async def consumed(self, lead_id: str) -> set[str]:
        return set((await self.taken_up_for([lead_id])).get(lead_id, {}))

    async def taken_up_for(self, lead_ids: Sequence[str]) -> dict[str, dict[str, datetime]]:
        query = select(nurture_consumed).where(any_of(nurture_consumed.c.lead_id, lead_ids))
        found: dict[str, dict[str, datetime]] = {}
        for r in (await self._session.execute(query)).all():
            found.setdefault(r.lead_id, {})[r.content_id] = r.consumed_at
        return found

    async def add_consumed(self, lead_id: str, content_id: str, at: datetime, event_id: str) -> None:
        await self.add_consumed_many([(lead_id, content_id, at, event_id)])

    async def add_consumed_many(self, rows: Sequence[tuple[str, str, datetime, str]]) -> None:
        """(lead_id, content_id, at, event_id) of a batch; the first take-up of an item stays."""
        if rows:
            await self._session.execute(insert(nurture_consumed).on_conflict_do_nothing(), [
                dict(lead_id=lead_id, content_id=content_id, consumed_at=at, event_id=event_id)
                for lead_id, content_id, at, event_id in rows
            ])

    async def identify(self, touchpoint: TouchpointRecorded) -> str | None:
        return await identify(self._session, visitor_links, touchpoint)

    async def forget_visitors(self, visitor_ids: Sequence[str]) -> None:
        """Erasure: what the person did as a visitor and was never joined to their lead."""
        if not visitor_ids:
            return
        for table in (nurture_consumed, nurture_journeys, nurture_leads):
            await self._session.execute(delete(table).where(any_of(table.c.lead_id, visitor_ids)))

    async def adopt_visitor(self, visitor_id: str, lead_id: str) -> None:
        """What the person took up as an anonymous visitor counts for the lead: it is not sent again."""
        await self._session.execute(_ADOPT, {"visitor": visitor_id, "lead": lead_id})

    async def journeys_for(self, lead_ids: Sequence[str]) -> dict[str, list[JourneyRun]]:
        query = select(nurture_journeys).where(
            any_of(nurture_journeys.c.lead_id, lead_ids), nurture_journeys.c.ended_at.is_(None)
        )
        found: dict[str, list[JourneyRun]] = {}
        for r in (await self._session.execute(query)).all():
            found.setdefault(r.lead_id, []).append(JourneyRun(
                r.journey_id, r.topic, r.started_at, r.trigger_content, r.correlation_id
            ))
        return found

    async def start_journeys(self, runs: Sequence[tuple[str, JourneyRun, str]]) -> None:
        """(lead_id, run, cause event id) of a batch; a journey the lead is already on is left alone."""
        if runs:
            await self._session.execute(insert(nurture_journeys).on_conflict_do_nothing(), [
                dict(lead_id=lead_id, journey_id=run.journey_id, topic=run.topic, started_at=run.started_at,
                     trigger_content=run.trigger_content, cause_event_id=cause, correlation_id=run.correlation_id)
                for lead_id, run, cause in runs
            ])

    async def end_journeys_of(self, lead_ids: Sequence[str], at: datetime) -> None:
        if lead_ids:
            stmt = update(nurture_journeys).where(
                any_of(nurture_journeys.c.lead_id, lead_ids), nurture_journeys.c.ended_at.is_(None)
            )
            await self._session.execute(stmt.values(ended_at=at))

    async def pause(self) -> tuple[bool, str | None, datetime | None]:
        """The operator's pause switch: (on, reason, since)."""
        row = (await self._session.execute(select(nurture_switches).where(nurture_switches.c.name == PAUSE))).first()
        return (row.on, row.reason, row.changed_at) if row else (False, None, None)

    async def set_pause(self, on: bool, reason: str | None, at: datetime) -> None:
        values = {"on": on, "reason": reason, "changed_at": at}
        stmt = insert(nurture_switches).values(name=PAUSE, **values)
        await self._session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=values))

    async def add_deliveries(self, deliveries: Sequence[tuple[str, str, dict]], at: datetime) -> None:
        """Queue the HTTP push of new steps (lead_id, step_id, body), in the step's transaction."""
        rows = [
            dict(step_id=step_id, lead_id=lead_id, body=body, status="pending", next_attempt_at=at, created_at=at)
            for lead_id, step_id, body in deliveries
        ]
        await self._session.execute(insert(nurture_deliveries).on_conflict_do_nothing(), rows)

    async def count_steps(self) -> int:
        return (await self._session.execute(select(func.count()).select_from(nurture_steps))).scalar_one()


def _row(lead: LeadState) -> dict:
    return {
        "lead_id": lead.lead_id, "email": lead.email, "persona": lead.persona,
        "stage": lead.stage.value if lead.stage else None, "consent": lead.consent, "consent_at": lead.consent_at,
        "unsubscribed_at": lead.unsubscribed_at, "handed_off": lead.handed_off, "updated_at": lead.updated_at,
        "double_opt_in_at": lead.double_opt_in_at, "country": lead.country, "time_zone": lead.time_zone,
        "recycle_reason": lead.recycle_reason, "known": sorted(lead.known), "consent_source": lead.consent_source,
        "withdrawn_at": lead.withdrawn_at,
    }


def _lead(row: Row) -> LeadState:
    return LeadState(
        lead_id=row.lead_id, email=row.email, persona=row.persona, stage=Stage(row.stage) if row.stage else None,
        consent=row.consent, consent_at=row.consent_at, unsubscribed_at=row.unsubscribed_at,
        handed_off=row.handed_off, updated_at=row.updated_at, double_opt_in_at=row.double_opt_in_at,
        country=row.country, time_zone=row.time_zone, recycle_reason=row.recycle_reason,
        known=frozenset(row.known or ()), consent_source=row.consent_source, withdrawn_at=row.withdrawn_at,
    )
