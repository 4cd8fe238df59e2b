"""Nurture's tables: what it knows of each lead, the steps it sent, the content leads took up."""

from lead_runtime.db import add_runtime_tables
from lead_runtime.erasures import add_erasures_table
from lead_runtime.visitors import add_visitor_links_table
from sqlalchemy import (
    Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

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
    Column("consent_source", String),  # the touchpoint source that stated the consent
    Column("unsubscribed_at", DateTime(timezone=True)),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("handed_off", Boolean, nullable=False, server_default="false"),
    Column("next_due_at", DateTime(timezone=True)),  # when the worker should look again
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("double_opt_in_at", DateTime(timezone=True)),
    Column("country", String),
    Column("time_zone", String),
    Column("recycle_reason", String),
    Column("known", ARRAY(Text), nullable=False, server_default="{}"),  # profile fields and BANT answers
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

# A lead on a journey (a sequence started by a touchpoint); progress is read from the steps.
nurture_journeys = Table(
    "nurture_journeys",
    metadata,
    Column("lead_id", String, primary_key=True),
    Column("journey_id", String, primary_key=True),
    Column("topic", String, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("trigger_content", String),
    Column("cause_event_id", String, nullable=False),
    Column("correlation_id", String),
    Column("ended_at", DateTime(timezone=True)),  # left nurturing (handed to sales, disqualified)
)

# Operator switches; today only `pause` (global: nothing is sent while on).
nurture_switches = Table(
    "nurture_switches",
    metadata,
    Column("name", String, primary_key=True),
    Column("on", Boolean, nullable=False),
    Column("reason", Text),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# The optional HTTP push of each step to the email system, retried until delivered.
nurture_deliveries = Table(
    "nurture_deliveries",
    metadata,
    Column("step_id", String, primary_key=True),  # the Idempotency-Key
    Column("lead_id", String, nullable=False),
    Column("body", JSONB, nullable=False),
    Column("status", String, nullable=False),  # pending, delivered, failed, cancelled
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index(
        "ix_nurture_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")
    ),
)

privacy_erasures = add_erasures_table(metadata)
visitor_links = add_visitor_links_table(metadata)
