"""In-memory stand-ins for nurture's ports."""

from dataclasses import replace
from datetime import datetime

from lead_events import lead_id_for_visitor
from nurture.domain import LeadState, SentStep


class FakeNurtureLeads:
    def __init__(self) -> None:
        self.leads: dict[str, LeadState] = {}
        self.next_due_at: dict[str, datetime | None] = {}
        self.sent: dict[str, list[SentStep]] = {}
        self.step_rows: dict[str, dict] = {}
        self.taken_up: dict[str, dict[str, datetime]] = {}
        self.runs: dict[str, list] = {}
        self.paused: tuple[bool, str | None, datetime | None] = (False, None, None)
        self.deliveries: list[tuple[str, str, dict]] = []
        self.links: dict[str, str] = {}  # visitor id -> lead id

    async def get(self, lead_id: str, *, lock: bool = False) -> LeadState | None:
        return self.leads.get(lead_id)

    async def get_many(self, lead_ids, *, lock: bool = False) -> dict[str, LeadState]:
        return {i: self.leads[i] for i in lead_ids if i in self.leads}

    async def mark_answered_many(self, answers) -> None:
        for step_id, at in answers:
            await self.mark_answered(step_id, at)

    async def add_consumed_many(self, rows) -> None:
        for row in rows:
            await self.add_consumed(*row)


    async def save(self, lead: LeadState, next_due_at: datetime | None) -> None:
        self.leads[lead.lead_id] = lead
        self.next_due_at[lead.lead_id] = next_due_at

    async def due(self, now: datetime, limit: int) -> list[LeadState]:
        due = [i for i, at in self.next_due_at.items() if at is not None and at <= now]
        return [self.leads[i] for i in sorted(due, key=self.next_due_at.get)[:limit]]

    async def steps(self, lead_id: str) -> list[SentStep]:
        return sorted(self.sent.get(lead_id, []), key=lambda s: s.sent_at)

    async def save_many(self, leads) -> None:
        for lead, due in leads:
            await self.save(lead, due)

    async def steps_for(self, lead_ids):
        return {i: await self.steps(i) for i in lead_ids if i in self.sent}

    async def add_steps(self, steps) -> set[str]:
        done = set()
        for step, row in steps:
            if await self.add_step(row["lead_id"], step, event_id=row["event_id"],
                                   cause_event_id=row["cause_event_id"], correlation_id=row["correlation_id"]):
                done.add(step.step_id)
        return done

    async def last_correlation_ids(self, lead_ids):
        return {i: c for i in lead_ids if (c := await self.last_correlation_id(i))}

    async def taken_up_for(self, lead_ids):
        return {i: dict(self.taken_up[i]) for i in lead_ids if i in self.taken_up}

    async def journeys_for(self, lead_ids):
        return {i: list(self.runs[i]) for i in lead_ids if i in self.runs}

    async def start_journeys(self, started) -> None:
        for lead_id, run, _cause in started:
            runs = self.runs.setdefault(lead_id, [])
            if not any((r.journey_id, r.topic) == (run.journey_id, run.topic) for r in runs):
                runs.append(run)

    async def end_journeys_of(self, lead_ids, at) -> None:
        for lead_id in lead_ids:
            self.runs.pop(lead_id, None)

    async def pause(self):
        return self.paused

    async def add_deliveries(self, deliveries, at) -> None:
        self.deliveries.extend(deliveries)

    async def add_step(self, lead_id, step, *, event_id, cause_event_id, correlation_id) -> bool:
        if any(s.content_id == step.content_id for s in self.sent.get(lead_id, [])):
            return False
        self.sent.setdefault(lead_id, []).append(step)
        self.step_rows[step.step_id] = {"event_id": event_id, "cause": cause_event_id, "correlation": correlation_id}
        return True

    async def mark_answered(self, step_id: str, at: datetime) -> None:
        for steps in self.sent.values():
            steps[:] = [replace(s, answered_at=at) if s.step_id == step_id and not s.answered_at else s for s in steps]

    async def last_correlation_id(self, lead_id: str) -> str | None:
        steps = await self.steps(lead_id)
        return self.step_rows[steps[-1].step_id]["correlation"] if steps else None

    async def consumed(self, lead_id: str) -> set[str]:
        return set(self.taken_up.get(lead_id, set()))

    async def add_consumed(self, lead_id: str, content_id: str, at: datetime, event_id: str) -> None:
        self.taken_up.setdefault(lead_id, {}).setdefault(content_id, at)

    async def identify(self, touchpoint) -> str | None:
        contact = touchpoint.data.contact
        if contact.email:
            if contact.anonymous_id:
                self.links[lead_id_for_visitor(contact.anonymous_id)] = touchpoint.lead_id
            return touchpoint.lead_id
        return self.links.get(touchpoint.lead_id)

    async def forget_visitors(self, visitor_ids) -> None:
        for visitor in visitor_ids:
            self.taken_up.pop(visitor, None)
            self.leads.pop(visitor, None)

    async def adopt_visitor(self, visitor_id: str, lead_id: str) -> None:
        for content_id, at in self.taken_up.pop(visitor_id, {}).items():
            self.taken_up.setdefault(lead_id, {}).setdefault(content_id, at)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
