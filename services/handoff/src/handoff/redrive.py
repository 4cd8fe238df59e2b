"""`python -m handoff redrive --lead LEAD_ID | --all-failed`: failed CRM deliveries back to pending.

The push worker of the running service picks them up with a fresh retry budget; the
Idempotency-Key is unchanged, so a lead the CRM did store after all is not created twice.
"""

import argparse
import asyncio
from datetime import datetime

from lead_runtime.db import make_engine, make_sessionmaker
from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.tables import handoff_attempts, handoffs
from .domain.delivery import DeliveryStatus
from .handlers import utc_now
from .settings import Settings, get_settings


async def redrive(session: AsyncSession, now: datetime, lead_id: str | None = None) -> list[str]:
    """Failed handoffs (of one lead, or all) become pending, due now. Returns their ids."""
    failed = handoffs.c.delivery_status == DeliveryStatus.FAILED.value
    stmt = select(handoffs.c.handoff_id, handoffs.c.attempts).where(failed).with_for_update()
    if lead_id is not None:
        stmt = stmt.where(handoffs.c.lead_id == lead_id)
    rows = (await session.execute(stmt)).all()
    for row in rows:
        await session.execute(
            update(handoffs)
            .where(handoffs.c.handoff_id == row.handoff_id)
            .values(delivery_status=DeliveryStatus.PENDING.value, next_attempt_at=now, budget_start=row.attempts)
        )
        # Shown among the attempts in GET /v1/handoffs/{lead_id}: who restarted it, and when.
        await session.execute(
            insert(handoff_attempts).values(
                handoff_id=row.handoff_id, attempt=row.attempts, at=now, status_code=None,
                error="redriven by an operator", result="redriven",
            )
        )
    return [r.handoff_id for r in rows]


async def _run(settings: Settings, lead_id: str | None) -> list[str]:
    engine = make_engine(settings.database)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await redrive(session, utc_now(), lead_id)
    finally:
        await engine.dispose()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m handoff redrive", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--lead", metavar="LEAD_ID", help="redrive this lead's failed handoffs")
    which.add_argument("--all-failed", action="store_true", help="redrive every failed handoff")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise SystemExit(f"handoff redrive: settings missing or invalid (HANDOFF_DATABASE__URL?)\n{exc}") from None
    ids = asyncio.run(_run(settings, args.lead))
    if not ids:
        print("no failed handoffs" + (f" for lead {args.lead}" if args.lead else ""))
        raise SystemExit(1 if args.lead else 0)
    for handoff_id in ids:
        print(f"redriven: {handoff_id}")
    print(f"{len(ids)} handoff(s) back to pending; the running service pushes them within seconds")
