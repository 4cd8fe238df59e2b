"""Stored leads with their touchpoints, in the order they happened, a chunk of leads at a time
(for a shadow re-score or a switch of agreements): memory and each statement stay bounded,
whatever the number of leads."""

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from lead_events.touchpoints import RecordedContact
from lead_runtime.fastjson import loads
from lead_runtime.parts import Part
from lead_runtime.retention import pruned_before
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.model import Activity, LeadProfile
from ..domain.policy import ScoringPolicy
from ..domain.replay import Recorded
from ..domain.rules import bant_answers
from .tables import touchpoints
from .translate import profile_of

CHUNK = 500  # leads per statement (and per transaction of a switch)


@dataclass
class StoredLead:
    lead_id: str
    stage: str
    engagement_since: datetime | None
    touchpoints: list[Recorded]
    start: LeadProfile | None = None  # what was said before the purged touchpoints (replay's `start`)


async def next_leads(session: AsyncSession, part: Part, after: str, size: int = CHUNK) -> list[tuple]:
    """(lead_id, stage, engagement_since) of up to `size` of this part's leads after `after`, in lead id order."""
    query = text(
        "SELECT lead_id, stage, engagement_since FROM leads"
        f" WHERE lead_id > :after AND {part.sql()} ORDER BY lead_id LIMIT :size"
    )
    return [tuple(r) for r in (await session.execute(query, {"after": after, "size": size})).all()]


async def stored_touchpoints(session: AsyncSession, lead_ids: list[str], policy: ScoringPolicy) -> dict[str, list[Recorded]]:
    """The leads' stored touchpoints in the order they happened (through ix_touchpoints_lead).

    Read in parts: a lead's touchpoints mostly repeat one contact, so each distinct contact is
    parsed once (the stored document was validated as a whole when it was stored)."""
    query = text(
        "SELECT lead_id, event_id, occurred_at, data->>'type' AS type, (data->'properties')::text AS properties,"
        " (data->'contact')::text AS contact FROM touchpoints"
        " WHERE lead_id = ANY(CAST(:ids AS text[])) ORDER BY lead_id, occurred_at, event_id"
    )
    profiles: dict[tuple, LeadProfile] = {}  # by the contact's text and the BANT answers: one object each
    out: dict[str, list[Recorded]] = defaultdict(list)
    for r in (await session.execute(query, {"ids": lead_ids})).all():
        properties = loads(r.properties) if r.properties else {}
        said = (r.contact, tuple(bant_answers(properties, policy).items()))
        profile = profiles.get(said)
        if profile is None:
            contact = RecordedContact.model_validate_json(r.contact or "{}")
            profile = profiles[said] = profile_of(contact, properties, policy)
        out[r.lead_id].append(Recorded(Activity(r.event_id, r.type, r.occurred_at, properties), profile))
    return out


async def touchpoints_pruned_before(session: AsyncSession) -> datetime | None:
    """How far SCORING_RETENTION_DAYS has purged the touchpoints (None: never). Read after the
    touchpoints: a purge records its cutoff before deleting, so this is at least as late as any
    touchpoint found missing."""
    return await pruned_before(session, touchpoints.name)


async def profiles_said_before(session: AsyncSession, lead_ids: list[str], cutoff: datetime) -> dict[str, LeadProfile]:
    """The leads' stored profiles as said before `cutoff`: where their replays start."""
    query = text("SELECT lead_id, profile FROM leads WHERE lead_id = ANY(CAST(:ids AS text[]))")
    rows = (await session.execute(query, {"ids": lead_ids})).all()
    return {r.lead_id: LeadProfile(**r.profile).said_before(cutoff) for r in rows}


async def stored_leads(session: AsyncSession, policy: ScoringPolicy, part: Part = Part()) -> AsyncIterator[list[StoredLead]]:
    """This part's leads with their touchpoints, a chunk at a time; a lead without any is left out
    (one whose touchpoints were all purged keeps its stage and profile). After a purge, each lead
    comes with what its profile says was said before the cutoff."""
    after = ""
    while chunk := await next_leads(session, part, after):
        found = await stored_touchpoints(session, [lead_id for lead_id, _, _ in chunk], policy)
        cutoff = await touchpoints_pruned_before(session)
        starts = await profiles_said_before(session, list(found), cutoff) if cutoff and found else {}
        yield [StoredLead(lead_id, stage, since, found[lead_id], starts.get(lead_id))
               for lead_id, stage, since in chunk if lead_id in found]
        after = chunk[-1][0]


async def touchpoints_about(session: AsyncSession) -> int | None:
    """The planner's estimate of the stored touchpoints (for an ETA): counting them would read them all."""
    found = (await session.execute(text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'touchpoints'"))).scalar()
    return found if found and found > 0 else None
