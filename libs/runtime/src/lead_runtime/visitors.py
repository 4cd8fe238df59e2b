"""Which lead an anonymous website visitor turned out to be, kept by each service that reads
touchpoints: written when a touchpoint names both (an email and the visitor's anonymous id),
read when a later one names only the visitor (the same browser, not logged in), forgotten when
the person asks to be erased. The latest identification wins (a shared computer)."""

from datetime import datetime

from lead_events import lead_id_for_visitor
from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

TABLE = "visitor_links"


def add_visitor_links_table(metadata: MetaData) -> Table:
    return Table(
        TABLE,
        metadata,
        Column("visitor_id", String, primary_key=True),  # lead_events.lead_id_for_visitor(anonymous_id)
        Column("lead_id", String, nullable=False),
        Column("linked_at", DateTime(timezone=True), nullable=False),
        Index(f"ix_{TABLE}_lead_id", "lead_id"),
    )


def create_visitor_links_table() -> None:
    """For a service's migration that adds the links."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        TABLE,
        sa.Column("visitor_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(f"ix_{TABLE}_lead_id", TABLE, ["lead_id"])


async def link_visitor(session: AsyncSession, table: Table, visitor_id: str, lead_id: str, at: datetime) -> None:
    stmt = insert(table).values(visitor_id=visitor_id, lead_id=lead_id, linked_at=at)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.visitor_id],
        set_={"lead_id": stmt.excluded.lead_id, "linked_at": stmt.excluded.linked_at},
        where=table.c.linked_at <= stmt.excluded.linked_at,
    ))


async def linked_lead(session: AsyncSession, table: Table, visitor_id: str) -> str | None:
    return (await session.execute(select(table.c.lead_id).where(table.c.visitor_id == visitor_id))).scalar()


async def forget_lead(session: AsyncSession, table: Table, lead_id: str) -> list[str]:
    """The visitor ids the lead was known by; the caller treats them as erased too."""
    deleted = await session.execute(delete(table).where(table.c.lead_id == lead_id).returning(table.c.visitor_id))
    return list(deleted.scalars())


async def identify(session: AsyncSession, table: Table, event) -> str | None:
    """The lead a touchpoint (lead_events.TouchpointRecorded) counts for: its own when it names
    the person, and then the visitor it names is linked to them (written here); the linked lead
    when it names only a known visitor; None for a visitor not known yet."""
    contact = event.data.contact
    if contact.email:
        if contact.anonymous_id:
            await link_visitor(session, table, lead_id_for_visitor(contact.anonymous_id), event.lead_id, event.occurred_at)
        return event.lead_id
    return await linked_lead(session, table, event.lead_id)
