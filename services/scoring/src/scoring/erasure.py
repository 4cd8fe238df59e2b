"""Use case: a person asked to be erased. Their lead stays for the figures, without the person."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from lead_events import PrivacyErasureRequested
from lead_runtime.erasures import record_erasure
from lead_runtime.visitors import forget_lead
from lead_runtime.logs import fields
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlLeadScores
from .adapters.tables import privacy_erasures, visitor_links
from .domain.privacy import anonymised, personal_values

log = logging.getLogger(__name__)


async def on_erasure_requested(
    session: AsyncSession, event: PrivacyErasureRequested, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> list:
    """Profile, stored touchpoints and free text lose the person; stage, scores and ledger stay.
    Later events about the lead come from these rows, so they carry no personal data."""
    repo = SqlLeadScores(session)
    lead = await repo.get(event.lead_id, for_update=True)
    secrets: list[str] = []
    if lead is not None:
        secrets = personal_values(lead.profile)
        lead.profile = anonymised(lead.profile)
        lead.behaviour = None  # its lines' text is scrubbed in the ledger below; rebuilt from there
        await repo.save(lead)
    await repo.erase_person(event.lead_id, secrets)
    visitors = await forget_lead(session, visitor_links, event.lead_id)  # their browser is anonymous again
    await repo.forget_visitors(visitors)  # visits never joined to the lead go too
    await record_erasure(session, privacy_erasures, event.data.erasure_id, event.lead_id, event.occurred_at, clock(),
                         visitor_ids=visitors)
    log.info("person erased", extra=fields(erasure_id=event.data.erasure_id, lead_id=event.lead_id, known=lead is not None))
    return []
