"""Initial schema: handoffs, delivery attempts, CRM feedback, plus the runtime's outbox and
processed_events (as lead_runtime.db.add_runtime_tables defines them).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from lead_runtime.migrate import create_runtime_tables, drop_runtime_tables
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_runtime_tables()
    op.create_table(
        "handoffs",
        sa.Column("handoff_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("episode", sa.Integer, nullable=False),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("handed_at", TZ, nullable=False),
        sa.Column("sla_first_contact_due", TZ, nullable=False),
        sa.Column("sla_hard_limit", TZ, nullable=False),
        sa.Column("responded_at", TZ, nullable=True),
        sa.Column("rep_id", sa.String, nullable=True),
        sa.Column("payload", postgresql.JSONB, nullable=False),
        sa.Column("source_event_id", sa.String, nullable=False),
        sa.Column("correlation_id", sa.String, nullable=False),
        sa.Column("delivery_status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TZ, nullable=True),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("lead_id", "episode", name="uq_handoffs_lead_episode"),
    )
    op.create_index(
        "ix_handoffs_due", "handoffs", ["next_attempt_at"], postgresql_where=sa.text("delivery_status = 'pending'")
    )
    op.create_table(
        "handoff_attempts",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("handoff_id", sa.String, sa.ForeignKey("handoffs.handoff_id"), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("result", sa.String, nullable=False),
    )
    op.create_index("ix_handoff_attempts_handoff_id", "handoff_attempts", ["handoff_id"])
    op.create_table(
        "crm_feedback",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("received_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("event_id", sa.String, nullable=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("handoff_id", sa.String, sa.ForeignKey("handoffs.handoff_id"), nullable=True),
        sa.Column("outcome", sa.String, nullable=False),
        sa.Column("reason", sa.String, nullable=True),
        sa.Column("rep_id", sa.String, nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("result", sa.String, nullable=False),
        sa.Column("from_stage", sa.String, nullable=True),
        sa.Column("to_stage", sa.String, nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_crm_feedback_lead_id", "crm_feedback", ["lead_id"])


def downgrade() -> None:
    for table in ("crm_feedback", "handoff_attempts", "handoffs"):
        op.drop_table(table)
    drop_runtime_tables()
