"""The record of privacy erasures a service has carried out: ids and times only, no personal data."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

TABLE = "privacy_erasures"
ERASURE_EVENT = "privacy.erasure_requested"


def predates_erasure(event_type: str, occurred_at: datetime, erased_at: datetime | None) -> bool:
    """An event about a person that happened before they asked to be erased must not bring them
    back, however late it arrives (a lagging consumer, a replay, an import of old data). What
    happened after the request (they filled in a form again) is new and applies."""
    return erased_at is not None and event_type != ERASURE_EVENT and occurred_at < erased_at


def add_erasures_table(metadata: MetaData) -> Table:
    return Table(
        TABLE,
        metadata,
        Column("erasure_id", String, primary_key=True),
        Column("lead_id", String, nullable=False, index=True),
        Column("requested_at", DateTime(timezone=True), nullable=False),
        Column("erased_at", DateTime(timezone=True), nullable=False),
    )


def create_erasures_table() -> None:
    """For a service's migration that adds the erasure record."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        TABLE,
        sa.Column("erasure_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(f"ix_{TABLE}_lead_id", TABLE, ["lead_id"])


async def record_erasure(
    session: AsyncSession, table: Table, erasure_id: str, lead_id: str, requested_at: datetime, erased_at: datetime,
    visitor_ids: Sequence[str] = (),
) -> None:
    """Also under each visitor id the person was known by, so their anonymous events from before
    the request are shut out too (`predates_erasure` keys on the event's lead id)."""
    rows = [{"erasure_id": erasure_id, "lead_id": lead_id, "requested_at": requested_at, "erased_at": erased_at}]
    rows += [{**rows[0], "erasure_id": f"{erasure_id}/{visitor}", "lead_id": visitor} for visitor in visitor_ids]
    await session.execute(insert(table).values(rows).on_conflict_do_nothing())
