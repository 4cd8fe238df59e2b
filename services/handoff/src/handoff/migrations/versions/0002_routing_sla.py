"""Routing (rep, team, explanation, round-robin credits, monthly load), the SLA watcher
(next check time, breaches) and redrive (retry budget restarts).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("handoffs", sa.Column("team", sa.String, nullable=True))
    op.add_column("handoffs", sa.Column("assignment", postgresql.JSONB, nullable=True))
    op.add_column("handoffs", sa.Column("sla_next_check_at", TZ, nullable=True))
    op.add_column("handoffs", sa.Column("budget_start", sa.Integer, nullable=False, server_default="0"))
    op.create_index(
        "ix_handoffs_sla_due", "handoffs", ["sla_next_check_at"],
        postgresql_where=sa.text("sla_next_check_at IS NOT NULL"),
    )
    op.create_table(
        "routing_credits",
        sa.Column("team", sa.String, primary_key=True),
        sa.Column("rep_id", sa.String, primary_key=True),
        sa.Column("credit", sa.Float, nullable=False),
    )
    op.create_table(
        "rep_load",
        sa.Column("rep_id", sa.String, primary_key=True),
        sa.Column("month", sa.String, primary_key=True),
        sa.Column("assigned", sa.Integer, nullable=False),
    )
    op.create_table(
        "sla_breaches",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("handoff_id", sa.String, sa.ForeignKey("handoffs.handoff_id"), nullable=False),
        sa.Column("deadline", sa.String, nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("detected_at", TZ, nullable=False),
        sa.Column("rep_id", sa.String, nullable=True),
        sa.Column("escalated_to", sa.String, nullable=True),
        sa.Column("reassigned_to", sa.String, nullable=True),
        sa.UniqueConstraint("handoff_id", "deadline", "due_at", name="uq_sla_breaches_deadline"),
    )


def downgrade() -> None:
    op.drop_table("sla_breaches")
    op.drop_table("rep_load")
    op.drop_table("routing_credits")
    op.drop_index("ix_handoffs_sla_due", table_name="handoffs")
    for column in ("budget_start", "sla_next_check_at", "assignment", "team"):
        op.drop_column("handoffs", column)
