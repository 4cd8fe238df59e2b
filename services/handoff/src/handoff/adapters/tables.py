"""handoff's tables (plus the runtime's outbox and processed_events)."""

from lead_runtime.db import add_runtime_tables
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
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
    UniqueConstraint("lead_id", "episode", name="uq_handoffs_lead_episode"),
    # Only pending deliveries are ever claimed; keep the index to them.
    Index(
        "ix_handoffs_due",
        "next_attempt_at",
        postgresql_where=text("delivery_status = 'pending'"),
    ),
)

handoff_attempts = Table(
    "handoff_attempts",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("handoff_id", String, ForeignKey("handoffs.handoff_id"), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("result", String, nullable=False),  # delivered | retry | failed
)

crm_feedback = Table(
    "crm_feedback",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("source", String, nullable=False),  # http | kafka
    Column("event_id", String, nullable=True),
    Column("lead_id", String, nullable=False, index=True),
    Column("handoff_id", String, ForeignKey("handoffs.handoff_id"), nullable=True),
    Column("outcome", String, nullable=False),
    Column("reason", String, nullable=True),
    Column("rep_id", String, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("result", String, nullable=False),  # applied | unchanged | refused | unknown_lead
    Column("from_stage", String, nullable=True),
    Column("to_stage", String, nullable=True),
    Column("detail", Text, nullable=True),
)
