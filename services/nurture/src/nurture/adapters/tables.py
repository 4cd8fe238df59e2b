"""Nurture's tables: what it knows of each lead, the steps it sent, the content leads took up."""

from sqlalchemy import Boolean, Column, DateTime, Index, MetaData, String, Table, Text, UniqueConstraint
from lead_runtime.db import add_runtime_tables

metadata = MetaData()
add_runtime_tables(metadata)

nurture_leads = Table(
    "nurture_leads",
    metadata,
    Column("lead_id", String, primary_key=True),
    Column("email", String),
    Column("persona", String),
    Column("stage", String),
    Column("consent", Boolean),  # email_marketing: true, false, null = unknown
    Column("consent_at", DateTime(timezone=True)),
    Column("unsubscribed_at", DateTime(timezone=True)),
    Column("handed_off", Boolean, nullable=False, server_default="false"),
    Column("next_due_at", DateTime(timezone=True)),  # when the worker should look again
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_nurture_leads_next_due_at", "next_due_at"),
)

nurture_steps = Table(
    "nurture_steps",
    metadata,
    Column("step_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("content_id", String, nullable=False),
    Column("title", Text, nullable=False),
    Column("track", String, nullable=False),
    Column("stage", String, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Column("event_id", String, nullable=False),
    Column("cause_event_id", String),  # null when the due-steps worker sent it
    Column("correlation_id", String, nullable=False),
    UniqueConstraint("lead_id", "content_id", name="uq_nurture_steps_lead_content"),
    Index("ix_nurture_steps_lead", "lead_id", "sent_at"),
)

nurture_consumed = Table(
    "nurture_consumed",
    metadata,
    Column("lead_id", String, primary_key=True),
    Column("content_id", String, primary_key=True),
    Column("consumed_at", DateTime(timezone=True), nullable=False),
    Column("event_id", String, nullable=False),
)
