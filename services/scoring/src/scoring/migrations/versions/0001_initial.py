"""Scoring's first tables: leads, touchpoints, the score ledger, stage history, outbox.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from lead_runtime.migrate import create_runtime_tables, drop_runtime_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_runtime_tables()
    op.create_table(
        "leads",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("email", sa.String, index=True),
        sa.Column("profile", JSONB, nullable=False),
        sa.Column("consent", JSONB),
        sa.Column("stage", sa.String, nullable=False, index=True),
        sa.Column("persona", sa.String),
        sa.Column("episode", sa.Integer, nullable=False, server_default="0"),
        sa.Column("engagement_since", _TS),
        sa.Column("agreement_version", sa.String, nullable=False),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", _TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "touchpoints",
        sa.Column("event_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("type", sa.String, nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_index("ix_touchpoints_lead", "touchpoints", ["lead_id", "occurred_at"])
    op.create_table(
        "score_changes",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False, index=True),
        sa.Column("touchpoint_id", sa.String, nullable=False),
        sa.Column("rule", sa.String, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("agreement_version", sa.String, nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
    )
    op.create_table(
        "stage_changes",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.String, nullable=False, unique=True),
        sa.Column("lead_id", sa.String, nullable=False, index=True),
        sa.Column("from_stage", sa.String),
        sa.Column("to_stage", sa.String, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String, nullable=False),
        sa.Column("evidence", JSONB, nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("stage_changes", "score_changes", "touchpoints", "leads"):
        op.drop_table(table)
    drop_runtime_tables()
