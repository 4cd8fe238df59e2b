"""Streams every lead with its stored touchpoints, in the order they happened, for a replay."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.policy import ScoringPolicy
from ..domain.replay import Recorded
from .tables import leads, touchpoints
from .translate import recorded_from


@dataclass
class StoredLead:
    lead_id: str
    stage: str
    engagement_since: object
    touchpoints: list[Recorded]


async def stored_leads(session: AsyncSession, policy: ScoringPolicy) -> AsyncIterator[StoredLead]:
    current = {
        r.lead_id: (r.stage, r.engagement_since)
        for r in (await session.execute(select(leads.c.lead_id, leads.c.stage, leads.c.engagement_since))).all()
    }
    query = select(touchpoints).order_by(touchpoints.c.lead_id, touchpoints.c.occurred_at, touchpoints.c.event_id)
    lead: StoredLead | None = None
    async for row in await session.stream(query.execution_options(yield_per=2000)):
        if lead is None or row.lead_id != lead.lead_id:
            if lead is not None:
                yield lead
            stage, since = current.get(row.lead_id, ("prospect", None))
            lead = StoredLead(row.lead_id, stage, since, [])
        lead.touchpoints.append(recorded_from(row.event_id, row.data, row.occurred_at, policy))
    if lead is not None:
        yield lead
