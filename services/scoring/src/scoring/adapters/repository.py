"""SqlLeadScores: scoring's queries. Never commits; the consumer loop or route owns the transaction."""

from datetime import datetime

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lead_events import LeadStageChanged, TouchpointRecorded

from ..domain.behaviour_state import BehaviourState
from ..domain.lead import LeadState
from ..domain.model import LeadProfile, ScoreLine
from lead_events import anonymise_touchpoint, redact
from lead_runtime.db import any_of

from .tables import leads, score_changes, stage_changes, touchpoints


def _state(row) -> LeadState:
    return LeadState(
        lead_id=row.lead_id,
        profile=LeadProfile(**row.profile),
        stage=row.stage,
        agreement_version=row.agreement_version,
        persona=row.persona,
        episode=row.episode,
        engagement_since=row.engagement_since,
        consent=row.consent,
        review_at=row.review_at,
        behaviour=BehaviourState.from_json(row.behaviour) if row.behaviour else None,
    )


def _stage_row(event: LeadStageChanged) -> dict:
    d = event.data
    return {
        "event_id": event.event_id,
        "lead_id": event.lead_id,
        "from_stage": d.from_stage.value if d.from_stage else None,
        "to_stage": d.to_stage.value,
        "reason": d.reason,
        "changed_by": d.changed_by,
        "evidence": [e.model_dump(mode="json") for e in d.evidence],
        "occurred_at": event.occurred_at,
    }


class SqlLeadScores:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, lead_id: str, for_update: bool = False) -> LeadState | None:
        query = select(leads).where(leads.c.lead_id == lead_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return _state(row) if row else None

    async def due_for_review(self, now: datetime, limit: int) -> list[str]:
        """Leads whose decay review is due, locked; other instances skip them."""
        query = (
            select(leads.c.lead_id).where(leads.c.review_at <= now).order_by(leads.c.review_at)
            .limit(limit).with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(query)).scalars())

    async def find_by_email(self, email: str) -> LeadState | None:
        row = (await self.session.execute(select(leads).where(leads.c.email == email))).first()
        return _state(row) if row else None

    async def page_by_stage(self, stage: str | None, limit: int,
                            after: tuple[datetime, str] | None = None) -> list[tuple[LeadState, datetime, datetime]]:
        """(lead, created_at, updated_at) of up to `limit` leads, newest first (created_at, then
        lead_id, both descending), after the key `after`: one statement through
        ix_leads_stage_created (or ix_leads_created), whatever the page's depth. The key never
        changes, so a lead updated between two pages keeps its place."""
        c = leads.c
        query = select(leads).order_by(c.created_at.desc(), c.lead_id.desc()).limit(limit)
        if stage:
            query = query.where(c.stage == stage)
        if after is not None:
            query = query.where(tuple_(c.created_at, c.lead_id) < tuple_(*after))
        return [(_state(r), r.created_at, r.updated_at) for r in (await self.session.execute(query)).all()]

    async def save(self, lead: LeadState) -> None:
        await self.save_many([lead])

    # --- a batch at a time: one statement per table, whatever the batch's size -------------------

    async def get_many(self, lead_ids: list[str], for_update: bool = False) -> dict[str, LeadState]:
        if not lead_ids:
            return {}
        query = select(leads).where(any_of(leads.c.lead_id, sorted(lead_ids)))
        if for_update:  # locked in lead_id order, as every instance does: no deadlock between them
            query = query.order_by(leads.c.lead_id).with_for_update()
        return {row.lead_id: _state(row) for row in (await self.session.execute(query)).all()}

    async def ledgers(self, lead_ids: list[str]) -> dict[str, list[ScoreLine]]:
        out: dict[str, list[ScoreLine]] = {lead_id: [] for lead_id in lead_ids}
        if not lead_ids:
            return out
        query = (
            select(score_changes.c.lead_id, score_changes.c.rule, score_changes.c.points, score_changes.c.touchpoint_id,
                   score_changes.c.detail, score_changes.c.occurred_at, score_changes.c.strong)
            .where(any_of(score_changes.c.lead_id, lead_ids)).order_by(score_changes.c.id)
        )
        for r in (await self.session.execute(query)).all():
            out[r.lead_id].append(ScoreLine(r.rule, r.points, r.touchpoint_id, r.detail, r.occurred_at, r.strong))
        return out

    async def rule_totals(self, lead_id: str, since: datetime | None, now: datetime, half_life_days: float) -> list[dict]:
        """The lead's ledger grouped by rule, each line decayed to `now` as `decayed` does (a line
        dated ahead counts whole), strongest first: one row per rule, whatever the history."""
        c = score_changes.c
        age_days = func.greatest(func.extract("epoch", now - c.occurred_at), 0) / 86_400.0
        # capped: PostgreSQL refuses the underflow of 0.5 to the power of a millennium's half-lives
        halvings = func.least(age_days / half_life_days, 1000)
        points = func.sum(c.points * func.power(0.5, halvings))
        query = (
            select(c.rule, func.count().label("lines"), points.label("points"), func.max(c.occurred_at).label("latest"))
            .where(c.lead_id == lead_id, c.occurred_at.is_not(None))
            .group_by(c.rule).order_by(points.desc(), c.rule)
        )
        if since is not None:
            query = query.where(c.occurred_at >= since)
        return [
            {"rule": r.rule, "lines": r.lines, "points": round(float(r.points), 6),
             "latest_at": r.latest.isoformat() if r.latest else None}
            for r in (await self.session.execute(query)).all()
        ]

    async def strong_lines(self, lead_id: str, since: datetime | None, limit: int) -> list[ScoreLine]:
        """The lead's latest strong buying signals in its ledger, newest first."""
        c = score_changes.c
        query = (
            select(c.rule, c.points, c.touchpoint_id, c.detail, c.occurred_at, c.strong)
            .where(c.lead_id == lead_id, c.strong.is_(True), c.occurred_at.is_not(None))
            .order_by(c.occurred_at.desc(), c.id.desc()).limit(limit)
        )
        if since is not None:
            query = query.where(c.occurred_at >= since)
        return [ScoreLine(r.rule, r.points, r.touchpoint_id, r.detail, r.occurred_at, r.strong)
                for r in (await self.session.execute(query)).all()]

    async def ledger_page(self, lead_id: str, after: int, limit: int) -> list[tuple[int, ScoreLine, str]]:
        """(position, line, agreement version) of the lead's ledger after `after`, in ledger order."""
        c = score_changes.c
        query = (
            select(c.id, c.rule, c.points, c.touchpoint_id, c.detail, c.occurred_at, c.strong, c.agreement_version)
            .where(c.lead_id == lead_id, c.id > after).order_by(c.id).limit(limit)
        )
        return [(r.id, ScoreLine(r.rule, r.points, r.touchpoint_id, r.detail, r.occurred_at, r.strong), r.agreement_version)
                for r in (await self.session.execute(query)).all()]

    async def lines_since(self, lead_ids: list[str], rules: list[str], start: datetime) -> dict[str, list[ScoreLine]]:
        """The leads' ledger lines of these rules from `start` on, in ledger order: what a cap's
        window can see (read through ix_score_changes_window, so not the whole history)."""
        out: dict[str, list[ScoreLine]] = {lead_id: [] for lead_id in lead_ids}
        if not lead_ids or not rules:
            return out
        c = score_changes.c
        query = (
            select(c.lead_id, c.rule, c.points, c.touchpoint_id, c.detail, c.occurred_at, c.strong)
            .where(any_of(c.lead_id, lead_ids), any_of(c.rule, rules),
                   c.occurred_at >= start)
            .order_by(c.id)
        )
        for r in (await self.session.execute(query)).all():
            out[r.lead_id].append(ScoreLine(r.rule, r.points, r.touchpoint_id, r.detail, r.occurred_at, r.strong))
        return out

    async def add_touchpoints(self, owned: list[tuple[TouchpointRecorded, str]]) -> set[str]:
        """The event ids stored now; the others were stored before (a replay changes nothing)."""
        if not owned:
            return set()
        rows = [
            {"event_id": e.event_id, "lead_id": lead_id, "type": e.data.type.value, "occurred_at": e.occurred_at,
             "data": e.data.model_dump(mode="json")}
            for e, lead_id in owned
        ]
        stmt = pg_insert(touchpoints).on_conflict_do_nothing().returning(touchpoints.c.event_id)
        return set((await self.session.execute(stmt, rows)).scalars())

    async def add_changes_many(self, changes: list[tuple[str, ScoreLine, str]]) -> None:
        """(lead_id, line, agreement version) in ledger order."""
        if changes:
            await self.session.execute(insert(score_changes), [
                {"lead_id": lead_id, "touchpoint_id": l.touchpoint_id, "rule": l.rule, "points": l.points,
                 "detail": l.detail, "agreement_version": version, "occurred_at": l.occurred_at, "strong": l.strong}
                for lead_id, l, version in changes
            ])

    async def save_many(self, states: list[LeadState]) -> None:
        if not states:
            return
        stmt = pg_insert(leads)
        columns = ("email", "profile", "consent", "stage", "persona", "episode", "engagement_since",
                   "agreement_version", "review_at", "behaviour")
        stmt = stmt.on_conflict_do_update(
            index_elements=[leads.c.lead_id],
            set_={**{c: getattr(stmt.excluded, c) for c in columns}, "updated_at": func.now()},
        )
        await self.session.execute(stmt, [
            # the profile dataclass as it is: the engine's JSON (orjson) writes its fields, several
            # times faster than dataclasses.asdict's deep copy
            {"lead_id": s.lead_id, "email": s.profile.email, "profile": s.profile, "consent": s.consent,
             "stage": s.stage, "persona": s.persona, "episode": s.episode, "engagement_since": s.engagement_since,
             "agreement_version": s.agreement_version, "review_at": s.review_at,
             "behaviour": s.behaviour.to_json() if s.behaviour else None}
            for s in states
        ])

    async def add_stage_changes(self, events: list[LeadStageChanged]) -> None:
        if events:
            await self.session.execute(pg_insert(stage_changes).on_conflict_do_nothing(), [_stage_row(e) for e in events])

    async def forget_visitors(self, visitor_ids: list[str]) -> None:
        if visitor_ids:
            await self.session.execute(delete(touchpoints).where(any_of(touchpoints.c.lead_id, visitor_ids)))

    async def adopt_touchpoints(self, visitor_id: str, lead_id: str) -> list:
        """Moves an anonymous visitor's stored touchpoints to the lead, oldest first."""
        rows = (
            await self.session.execute(
                update(touchpoints).where(touchpoints.c.lead_id == visitor_id).values(lead_id=lead_id)
                .returning(touchpoints.c.event_id, touchpoints.c.occurred_at, touchpoints.c.data)
            )
        ).all()
        return sorted(rows, key=lambda r: r.occurred_at)

    async def ledger(self, lead_id: str) -> list[ScoreLine]:
        return (await self.ledgers([lead_id]))[lead_id]

    async def replace_ledgers(self, lead_ids: list[str], changes: list[tuple[str, ScoreLine, str]]) -> None:
        """A switch of agreement rebuilds the leads' ledgers: every entry then names the new version."""
        if lead_ids:
            await self.session.execute(delete(score_changes).where(any_of(score_changes.c.lead_id, lead_ids)))
        await self.add_changes_many(changes)

    async def add_stage_change(self, event: LeadStageChanged) -> None:
        await self.add_stage_changes([event])

    async def stage_history(self, lead_id: str, limit: int | None = None) -> list[dict]:
        """The lead's stage changes in the order they happened; with `limit`, its latest `limit`."""
        c = stage_changes.c
        query = select(stage_changes).where(c.lead_id == lead_id).order_by(c.id.desc()).limit(limit)
        rows = (await self.session.execute(query)).all()[::-1]
        return [
            {"from": r.from_stage, "to": r.to_stage, "reason": r.reason, "changed_by": r.changed_by, "at": r.occurred_at}
            for r in rows
        ]

    async def touchpoint_count(self, lead_id: str) -> int:
        query = select(func.count()).select_from(touchpoints).where(touchpoints.c.lead_id == lead_id)
        return (await self.session.execute(query)).scalar_one()

    async def erase_person(self, lead_id: str, secrets: list[str]) -> None:
        """Stored touchpoints lose their contact; free text loses the person's values (`secrets`)."""
        rows = (await self.session.execute(
            select(touchpoints.c.event_id, touchpoints.c.data).where(touchpoints.c.lead_id == lead_id).with_for_update()
        )).all()
        for row in rows:
            data = redact(anonymise_touchpoint(row.data), secrets)
            await self.session.execute(update(touchpoints).where(touchpoints.c.event_id == row.event_id).values(data=data))
        if not secrets:
            return
        for row in (await self.session.execute(select(stage_changes).where(stage_changes.c.lead_id == lead_id))).all():
            await self.session.execute(
                update(stage_changes).where(stage_changes.c.id == row.id)
                .values(reason=redact(row.reason, secrets), evidence=redact(row.evidence, secrets))
            )
        for row in (await self.session.execute(select(score_changes).where(score_changes.c.lead_id == lead_id))).all():
            if row.detail:
                await self.session.execute(
                    update(score_changes).where(score_changes.c.id == row.id).values(detail=redact(row.detail, secrets))
                )
