"""Switching agreements: activate the version, then rebuild every lead under it, a chunk of leads
per transaction (short locks while the service keeps scoring), in processes that share the leads
by hash. The changes of stage leave through the outbox, one statement per chunk."""

import asyncio
from datetime import datetime
from functools import partial

from lead_runtime import outbox
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.parts import Part, Progress, run_parts
from lead_runtime.settings import DatabaseSettings

from .adapters.agreements import SqlAgreements
from .adapters.replay_source import next_leads, touchpoints_about
from .domain.policy import ScoringPolicy
from .handlers import AGREEMENT_CHECK_SECONDS, ScoringHandlers

SETTLE_SECONDS = 2 * AGREEMENT_CHECK_SECONDS  # a check of every instance, and a batch begun before it


async def apply_switch(policy: ScoringPolicy, source: str, database: DatabaseSettings, now: datetime,
                       workers: int = 1, rate: float | None = None, activate: bool = True,
                       settle_seconds: float = SETTLE_SECONDS, say=print) -> int:
    """The number of changes of stage recorded. Without `activate` the version is active already
    and every lead is rebuilt under it again: a switch that was interrupted completes (a lead
    already rebuilt stays as it is)."""
    engine = make_engine(database)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            if activate:
                await SqlAgreements(session).store(policy, source, activate=True)
            total = await touchpoints_about(session)
    finally:
        await engine.dispose()
    if activate and settle_seconds > 0:
        # the running services read the active version every AGREEMENT_CHECK_SECONDS: a lead rebuilt
        # before they follow could be scored again under the old one
        say(f"version {policy.version} is active; waiting {settle_seconds:g} s for the running services to follow it")
        await asyncio.sleep(settle_seconds)
    changed = await run_parts(partial(_switch_part, policy, source, database, now), workers, total=total, rate=rate,
                              unit="touchpoints rebuilt")
    return sum(changed)


async def _switch_part(policy: ScoringPolicy, source: str, database: DatabaseSettings, now: datetime,
                       part: Part, progress: Progress) -> int:
    handlers = ScoringHandlers(policy, clock=lambda: now, source=source)
    engine = make_engine(database)
    sessions, changed, after = make_sessionmaker(engine), 0, ""
    try:
        while True:
            async with sessions() as session, session.begin():
                chunk = await next_leads(session, part, after)
                if not chunk:
                    return changed
                events, touchpoints = await handlers.apply_agreement(session, [lead_id for lead_id, _, _ in chunk])
                await outbox.add_rows(session, [outbox.Row.of(topic, event) for topic, event in events])
            changed, after = changed + len(events), chunk[-1][0]
            await progress.advance(touchpoints)
    finally:
        await engine.dispose()
