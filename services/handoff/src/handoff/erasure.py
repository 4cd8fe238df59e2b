"""Use case: a person asked to be erased. Handoff keeps the handoffs for the figures, without the person."""

import logging
from datetime import datetime

from lead_events import PrivacyErasureRequested
from lead_runtime.erasures import record_erasure
from lead_runtime.logs import fields
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.erasures import SqlErasures
from .adapters.tables import privacy_erasures
from .handlers import Clock, utc_now

log = logging.getLogger(__name__)


async def on_erasure_requested(session: AsyncSession, event: PrivacyErasureRequested, clock: Clock = utc_now) -> list:
    now: datetime = clock()
    handed = await SqlErasures(session).erase_lead(event.lead_id, now)
    await record_erasure(session, privacy_erasures, event.data.erasure_id, event.lead_id, event.occurred_at, now)
    log.info("person erased", extra=fields(erasure_id=event.data.erasure_id, lead_id=event.lead_id, handoffs=handed))
    return []
