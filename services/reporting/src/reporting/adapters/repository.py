"""SqlReadModel: writes facts from events (keeping `lead_items`, the events' timeline columns,
`stage_tallies`, `funnel_tallies` and the attribution credits in step, see tallies.py and
credits.py); `history()` reads everything, for tests and the definitions' oracle only, never for a request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import delete, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.credits import ATTRIBUTED
from ..domain.funnel_days import lead_counts
from ..domain.model import HandoffFacts, History, LeadFacts, StageEvent, Touch
from ..domain.tallies import shares, stage_changes, tally_changes
from ..domain.timeline import LeadEvent, in_order
from ..domain.timeline import first_reached
from .credits import reach_times, recredit
from .tables import handoffs, lead_facts, lead_items, stage_events, touches
from .tallies import add_changes, add_funnel_changes, lead_groups, lead_timelines

# A batch's (lead, item) pairs as two arrays in one statement: in-process about 2 µs CPU and
# 7 µs wall per touchpoint (batches of 500) less than an executemany of one row each.
_ADD_ITEMS = text("""
INSERT INTO lead_items (lead_id, item) SELECT * FROM unnest(CAST(:leads AS text[]), CAST(:items AS text[]))
ON CONFLICT DO NOTHING""")
# Earlier events a late one changed: their previous event and prior highest rank, in one statement.
_FIX_EVENTS = text("""
UPDATE stage_events s SET prev_at = f.prev_at, prev_stage = f.prev_stage, prior_max = f.prior_max
FROM unnest(CAST(:ids AS text[]), CAST(:prev_ats AS timestamptz[]), CAST(:prev_stages AS text[]),
            CAST(:priors AS smallint[])) AS f(event_id, prev_at, prev_stage, prior_max)
WHERE s.event_id = f.event_id""")


class SqlReadModel:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._tallying: set[str] = set()
        self._timelines: dict[str, list[LeadEvent]] = {}  # inside tallied(events=True): the leads' events

    @asynccontextmanager
    async def tallied(self, lead_ids: list[str], events: bool = False) -> AsyncIterator[None]:
        """Around a change to these leads' facts or items (and their stage events, with `events`):
        the groups they are counted in read before and after (cheap); their events, the costly
        read, only for leads whose groups changed or whose events may have (once: the events
        written inside are added to what was read); the difference added to `stage_tallies` and
        `funnel_tallies`. Inside an outer block covering the same leads it does nothing."""
        if set(lead_ids) <= self._tallying:
            yield
            return
        before = await lead_groups(self.session, lead_ids)
        if events:
            self._timelines = await lead_timelines(self.session, lead_ids)
            timelines_before = dict(self._timelines)
        self._tallying = set(lead_ids)
        try:
            yield
        finally:
            self._tallying = set()
        after = await lead_groups(self.session, lead_ids)
        if events:
            timelines_after, self._timelines = self._timelines, {}
            groups_before, groups_after = before, after
        else:
            moved = [lead_id for lead_id in set(lead_ids) if before.get(lead_id) != after.get(lead_id)]
            if not moved:
                return  # the usual touch batch: every lead already in all its groups
            timelines_before = timelines_after = await lead_timelines(self.session, moved)
            # the same events: only the groups a lead left or joined change
            groups_before = {lead: before.get(lead, frozenset()) - after.get(lead, frozenset()) for lead in moved}
            groups_after = {lead: after.get(lead, frozenset()) - before.get(lead, frozenset()) for lead in moved}
        old = {lead: in_order(t) for lead, t in timelines_before.items()}
        new = {lead: in_order(t) for lead, t in timelines_after.items()}
        await add_changes(self.session, tally_changes(
            shares({lead: stage_changes(t) for lead, t in old.items()}, groups_before),
            shares({lead: stage_changes(t) for lead, t in new.items()}, groups_after)))
        await add_funnel_changes(self.session, tally_changes(
            shares({lead: lead_counts(t) for lead, t in old.items()}, groups_before),
            shares({lead: lead_counts(t) for lead, t in new.items()}, groups_after)))

    async def add_stage_event(self, event_id: str, row: StageEvent) -> None:
        await self.add_stage_events([(event_id, row)])

    async def add_stage_events(self, rows: list[tuple[str, StageEvent]]) -> None:
        """(event_id, stage event) of a batch: each lead's events put in order with the ones it
        has (domain/timeline.py), the new ones written in one statement, earlier ones a late event
        changed (their previous event, their prior rank) in one more; the credit of leads that
        reached an attributed stage (or reached it earlier) recomputed."""
        if not rows:
            return
        async with self.tallied([row.lead_id for _, row in rows], events=True):
            timelines, written, fixed, reached = self._timelines, [], [], {}
            arriving: dict[str, dict[str, LeadEvent]] = {}
            for event_id, row in rows:
                arriving.setdefault(row.lead_id, {}).setdefault(event_id, LeadEvent(
                    event_id, row.lead_id, row.at, row.from_stage, row.to_stage, row.reason))
            changed_by = {event_id: row.changed_by for event_id, row in rows}
            for lead_id, new in sorted(arriving.items()):
                known = {e.event_id: e for e in timelines.get(lead_id, [])}
                fresh = [e for event_id, e in new.items() if event_id not in known]
                if not fresh:
                    continue
                timeline = in_order([*known.values(), *fresh])
                timelines[lead_id] = timeline
                for e in timeline:
                    if e.event_id not in known:
                        written.append(e)
                    elif e != known[e.event_id]:
                        fixed.append(e)
                was, now = first_reached(in_order(known.values())), first_reached(timeline)
                reached.update({(lead_id, stage): at for stage, at in now.items()
                                if stage in ATTRIBUTED and was.get(stage) != at})
            if written:
                await self.session.execute(pg_insert(stage_events).on_conflict_do_nothing(), [
                    {"event_id": e.event_id, "lead_id": e.lead_id, "from_stage": e.from_stage, "to_stage": e.to_stage,
                     "at": e.at, "reason": e.reason, "changed_by": changed_by[e.event_id], "prev_at": e.prev_at,
                     "prev_stage": e.prev_stage, "prior_max": e.prior_max} for e in written])
            if fixed:
                await self.session.execute(_FIX_EVENTS, {
                    "ids": [e.event_id for e in fixed], "prev_ats": [e.prev_at for e in fixed],
                    "prev_stages": [e.prev_stage for e in fixed], "priors": [e.prior_max for e in fixed]})
            await recredit(self.session, reached)

    async def add_touches(self, rows: list[tuple[str, Touch]]) -> None:
        """(event_id, touch) of a batch in one statement, and the leads' items in one more (sorted,
        so concurrent batches lock them in the same order); the credit of leads that had already
        reached an attributed stage when a touch happened recomputed (one read of when the batch's
        leads reached those stages)."""
        if rows:
            items = sorted({(row.lead_id, row.item) for _, row in rows})
            async with self.tallied([row.lead_id for _, row in rows]):
                await self.session.execute(pg_insert(touches).on_conflict_do_nothing(),
                                           [{"event_id": event_id, **vars(row)} for event_id, row in rows])
                await self.session.execute(_ADD_ITEMS, {"leads": [lead for lead, _ in items], "items": [item for _, item in items]})
                earliest: dict[str, datetime] = {}
                for _, row in rows:
                    earliest[row.lead_id] = min(row.at, earliest.get(row.lead_id, row.at))
                reached = await reach_times(self.session, list(earliest))
                await recredit(self.session, {(lead, stage): at for (lead, stage), at in reached.items()
                                              if earliest[lead] <= at})

    async def adopt_visitor(self, visitor_id: str, lead_id: str) -> None:
        """A visitor named themselves: their touches become the lead's; the lead's source becomes
        that of its earliest touch and its campaign that of its earliest touch with a campaign
        (often the anonymous first visit)."""
        async with self.tallied([visitor_id, lead_id]):
            await self._adopt(visitor_id, lead_id)

    async def _adopt(self, visitor_id: str, lead_id: str) -> None:
        moved = await self.session.execute(update(touches).where(touches.c.lead_id == visitor_id).values(lead_id=lead_id))
        # the content the visitor touched is the lead's, even when its touches were purged (retention)
        gone = delete(lead_items).where(lead_items.c.lead_id == visitor_id).returning(lead_items.c.item).cte("gone")
        await self.session.execute(pg_insert(lead_items).from_select(
            ["lead_id", "item"], select(literal(lead_id), gone.c.item)).on_conflict_do_nothing())
        await self.session.execute(delete(lead_facts).where(lead_facts.c.lead_id == visitor_id))
        if not moved.rowcount:
            return
        await recredit(self.session, await reach_times(self.session, [lead_id]))
        earliest = select(touches).where(touches.c.lead_id == lead_id).order_by(touches.c.at).limit(1)
        with_campaign = earliest.where(touches.c.campaign.is_not(None))
        await self.session.execute(update(lead_facts).where(lead_facts.c.lead_id == lead_id).values(
            source=earliest.with_only_columns(touches.c.source).scalar_subquery(),
            campaign=with_campaign.with_only_columns(touches.c.campaign).scalar_subquery(),
        ))

    async def note_lead(self, facts: LeadFacts) -> None:
        await self.note_leads([facts])

    async def note_leads(self, many: list[LeadFacts]) -> None:
        """Persona follows the latest snapshot; source and campaign stay those of the first touch.
        One row per lead (a statement may not update a row twice): the caller folds a batch."""
        if not many:
            return
        stmt = pg_insert(lead_facts)
        stmt = stmt.on_conflict_do_update(
            index_elements=[lead_facts.c.lead_id],
            set_={
                "persona": func.coalesce(stmt.excluded.persona, lead_facts.c.persona),
                "source": func.coalesce(lead_facts.c.source, stmt.excluded.source),
                "campaign": func.coalesce(lead_facts.c.campaign, stmt.excluded.campaign),
            },
        )
        async with self.tallied([facts.lead_id for facts in many]):
            await self.session.execute(stmt, [vars(facts) for facts in many])

    async def add_handoff(self, facts: HandoffFacts) -> None:
        await self.session.execute(pg_insert(handoffs).values(**vars(facts)).on_conflict_do_nothing())

    async def note_response(self, lead_id: str, handoff_id: str | None, at: datetime) -> None:
        """Sales answered: the first answer to a handoff is when the SLA clock stopped."""
        target = handoff_id or (
            await self.session.execute(
                select(handoffs.c.handoff_id).where(handoffs.c.lead_id == lead_id)
                .order_by(handoffs.c.handed_at.desc()).limit(1)
            )
        ).scalar()
        if target is None:
            return
        await self.session.execute(
            update(handoffs).where(handoffs.c.handoff_id == target)
            .values(responded_at=func.least(func.coalesce(handoffs.c.responded_at, at), at))
        )

    async def history(self) -> History:
        s = self.session
        stage_rows = (await s.execute(select(stage_events).order_by(stage_events.c.at))).all()
        touch_rows = (await s.execute(select(touches).order_by(touches.c.at))).all()
        fact_rows = (await s.execute(select(lead_facts))).all()
        handoff_rows = (await s.execute(select(handoffs))).all()
        return History(
            stages=[StageEvent(r.lead_id, r.from_stage, r.to_stage, r.at, r.reason, r.changed_by) for r in stage_rows],
            touches=[Touch(r.lead_id, r.type, r.at, r.source, r.campaign, r.content_id) for r in touch_rows],
            leads={r.lead_id: LeadFacts(r.lead_id, r.persona, r.source, r.campaign) for r in fact_rows},
            handoffs=[
                HandoffFacts(r.handoff_id, r.lead_id, r.handed_at, r.first_contact_due, r.hard_limit, r.rep_id, r.team, r.responded_at)
                for r in handoff_rows
            ],
        )
