"""Reporting's read model: append-only facts from the topics, never the other services' state."""

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Text
from lead_runtime.db import add_runtime_tables
from lead_runtime.erasures import add_erasures_table
from lead_runtime.visitors import add_visitor_links_table

metadata = MetaData()
add_runtime_tables(metadata)
_TS = DateTime(timezone=True)

stage_events = Table(
    "stage_events", metadata,
    Column("event_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("from_stage", String),
    Column("to_stage", String, nullable=False),
    Column("at", _TS, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("changed_by", String, nullable=False, server_default=""),
    Index("ix_stage_events_at", "at"),
)

touches = Table(
    "touches", metadata,
    Column("event_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("at", _TS, nullable=False),
    Column("source", String),
    Column("campaign", String),
    Column("content_id", String),
    Index("ix_touches_lead", "lead_id", "at"),
)

lead_facts = Table(
    "lead_facts", metadata,
    Column("lead_id", String, primary_key=True),
    Column("persona", String),
    Column("source", String),
    Column("campaign", String),
)

handoffs = Table(
    "handoffs", metadata,
    Column("handoff_id", String, primary_key=True),
    Column("lead_id", String, nullable=False, index=True),
    Column("handed_at", _TS, nullable=False),
    Column("first_contact_due", _TS, nullable=False),
    Column("hard_limit", _TS, nullable=False),
    Column("rep_id", String),
    Column("team", String),
    Column("responded_at", _TS),
)

# Reporting keeps no personal data (lead ids, stages, sources, times); it only records that it honoured an erasure.
privacy_erasures = add_erasures_table(metadata)
visitor_links = add_visitor_links_table(metadata)
