"""Scoring's tables: leads, the touchpoints they sent, the score ledger and the stage history."""

from sqlalchemy import (
    BigInteger, Boolean, Column, DateTime, Float, Identity, Index, Integer, MetaData, String, Table, Text, false, func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from lead_runtime.db import add_runtime_tables
from lead_runtime.erasures import add_erasures_table
from lead_runtime.retention import add_retention_cutoffs_table, brin_index
from lead_runtime.visitors import add_visitor_links_table

metadata = MetaData()
add_runtime_tables(metadata)

leads = Table(
    "leads",
    metadata,
    Column("lead_id", String, primary_key=True),
    Column("email", String, index=True),
    Column("profile", JSONB, nullable=False),
    Column("consent", JSONB),
    Column("stage", String, nullable=False),
    Column("persona", String),
    Column("episode", Integer, nullable=False, server_default="0"),
    Column("engagement_since", DateTime(timezone=True)),
    Column("agreement_version", String, nullable=False),
    Column("review_at", DateTime(timezone=True)),
    Column("behaviour", JSONB),  # scoring.domain.behaviour_state, rebuilt from the ledger when NULL
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_leads_review_at", "review_at", postgresql_where=text("review_at IS NOT NULL")),
    # GET /v1/leads pages newest first by keyset, with and without a stage (migration 0009)
    Index("ix_leads_stage_created", "stage", "created_at", "lead_id"),
    Index("ix_leads_created", "created_at", "lead_id"),
)

touchpoints = Table(
    "touchpoints",
    metadata,
    Column("event_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Index("ix_touchpoints_lead", "lead_id", "occurred_at"),
    brin_index("touchpoints", "occurred_at"),  # the retention's purge (migration 0010)
)

score_changes = Table(
    "score_changes",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("lead_id", String, nullable=False, index=True),
    Column("touchpoint_id", String, nullable=False),
    Column("rule", String, nullable=False),
    Column("points", Float, nullable=False),
    Column("detail", Text),
    Column("agreement_version", String, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("strong", Boolean, nullable=False, server_default=false()),  # a late-stage buying signal
    Index("ix_score_changes_window", "lead_id", "rule", "occurred_at"),  # a cap's window, read per batch
    brin_index("score_changes", "occurred_at"),  # the retention's purge (migration 0010)
)

stage_changes = Table(
    "stage_changes",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", String, nullable=False, unique=True),
    Column("lead_id", String, nullable=False, index=True),
    Column("from_stage", String),
    Column("to_stage", String, nullable=False),
    Column("reason", Text, nullable=False),
    Column("changed_by", String, nullable=False),
    Column("evidence", JSONB, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("version", String, primary_key=True),
    Column("document", JSONB, nullable=False),
    Column("loaded_from", String),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("activated_at", DateTime(timezone=True)),
)

privacy_erasures = add_erasures_table(metadata)
visitor_links = add_visitor_links_table(metadata)
# how far SCORING_RETENTION_DAYS has purged touchpoints and score_changes (lead_runtime.retention)
retention_cutoffs = add_retention_cutoffs_table(metadata)
