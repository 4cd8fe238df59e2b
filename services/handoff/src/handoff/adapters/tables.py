"""handoff's tables (plus the runtime's outbox and processed_events)."""

from lead_runtime.db import add_runtime_tables
from lead_runtime.erasures import add_erasures_table
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()
add_runtime_tables(metadata)

handoffs = Table(
    "handoffs",
    metadata,
    Column("handoff_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("episode", Integer, nullable=False),
    Column("stage", String, nullable=False),
    Column("handed_at", DateTime(timezone=True), nullable=False),
    Column("sla_first_contact_due", DateTime(timezone=True), nullable=False),
    Column("sla_hard_limit", DateTime(timezone=True), nullable=False),
    Column("responded_at", DateTime(timezone=True), nullable=True),
    Column("rep_id", String, nullable=True),
    Column("payload", JSONB, nullable=False),  # the LeadHandedOff data, as pushed to the CRM
    Column("source_event_id", String, nullable=False),
    Column("correlation_id", String, nullable=False),
    Column("delivery_status", String, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("team", String, nullable=True),
    Column("assignment", JSONB, nullable=True),  # RepAssignment: who and why
    Column("sla_next_check_at", DateTime(timezone=True), nullable=True),  # null: nothing left to watch
    Column("budget_start", Integer, nullable=False, server_default="0"),  # attempts before the last redrive
    UniqueConstraint("lead_id", "episode", name="uq_handoffs_lead_episode"),
    # Only pending deliveries are ever claimed; keep the index to them.
    Index(
        "ix_handoffs_due",
        "next_attempt_at",
        postgresql_where=text("delivery_status = 'pending'"),
    ),
    Index("ix_handoffs_sla_due", "sla_next_check_at", postgresql_where=text("sla_next_check_at IS NOT NULL")),
)

handoff_attempts = Table(
    "handoff_attempts",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("handoff_id", String, ForeignKey("handoffs.handoff_id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("result", String, nullable=False),  # delivered | retry | failed
    Index("ix_handoff_attempts_handoff", "handoff_id", "id"),  # a handoff's latest attempts
)

crm_feedback = Table(
    "crm_feedback",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("source", String, nullable=False),  # http | kafka
    Column("event_id", String, nullable=True),
    Column("lead_id", String, nullable=False),
    Column("handoff_id", String, ForeignKey("handoffs.handoff_id"), nullable=True),
    Column("outcome", String, nullable=False),
    Column("reason", String, nullable=True),
    Column("rep_id", String, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("result", String, nullable=False),  # applied | unchanged | refused | unknown_lead
    Column("from_stage", String, nullable=True),
    Column("to_stage", String, nullable=True),
    Column("detail", Text, nullable=True),
    Index("ix_crm_feedback_lead", "lead_id", "id"),  # a lead's answers, newest first
    Index("ix_crm_feedback_handoff", "handoff_id", "id"),  # a handoff's latest answers
)

# Smooth weighted round-robin credit per rep within a team (see domain/routing.py).
routing_credits = Table(
    "routing_credits",
    metadata,
    Column("team", String, primary_key=True),
    Column("rep_id", String, primary_key=True),
    Column("credit", Float, nullable=False),
)

# Leads assigned per rep and month, for the monthly capacity.
rep_load = Table(
    "rep_load",
    metadata,
    Column("rep_id", String, primary_key=True),
    Column("month", String, primary_key=True),  # YYYY-MM (UTC)
    Column("assigned", Integer, nullable=False),
)

# One row per missed deadline: the once-per-deadline guard and the escalation record.
sla_breaches = Table(
    "sla_breaches",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("handoff_id", String, ForeignKey("handoffs.handoff_id"), nullable=False),
    Column("deadline", String, nullable=False),  # first_contact | hard_limit
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("detected_at", DateTime(timezone=True), nullable=False),
    Column("rep_id", String, nullable=True),
    Column("escalated_to", String, nullable=True),
    Column("reassigned_to", String, nullable=True),
    UniqueConstraint("handoff_id", "deadline", "due_at", name="uq_sla_breaches_deadline"),
)

privacy_erasures = add_erasures_table(metadata)
