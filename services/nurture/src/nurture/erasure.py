"""Use case: a person asked to be erased. Nurture forgets the address and sends nothing more."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from lead_events import PrivacyErasureRequested
from lead_runtime.erasures import record_erasure
from lead_runtime.visitors import forget_lead
from lead_runtime.logs import fields
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.deliveries import SqlDeliveries
from .adapters.repository import SqlNurtureLeads
from .adapters.tables import privacy_erasures, visitor_links
from .domain import erased

log = logging.getLogger(__name__)


async def on_erasure_requested(
    session: AsyncSession, event: PrivacyErasureRequested, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> list:
    """Steps sent stay (ids and titles, for the figures); the address goes from the lead and
    from every queued push, and pushes not yet made are cancelled."""
    now = clock()
    repo = SqlNurtureLeads(session)
    lead = await repo.get(event.lead_id, lock=True)
    if lead is not None:
        await repo.save(erased(lead), None)  # no address: nothing is due any more
    await SqlDeliveries(session).erase_lead(event.lead_id, now)
    visitors = await forget_lead(session, visitor_links, event.lead_id)  # their browser is anonymous again
    await repo.forget_visitors(visitors)  # what they did anonymously and never joined goes too
    await record_erasure(session, privacy_erasures, event.data.erasure_id, event.lead_id, event.occurred_at, now,
                         visitor_ids=visitors)
    log.info("person erased", extra=fields(erasure_id=event.data.erasure_id, lead_id=event.lead_id, known=lead is not None))
    return []
