"""Reporting's read model: stage events, touches, lead facts, handoffs.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from lead_runtime.migrate import create_runtime_tables, drop_runtime_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_runtime_tables()
    op.create_table(
        "stage_events",
        sa.Column("event_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("from_stage", sa.String),
        sa.Column("to_stage", sa.String, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("changed_by", sa.String, nullable=False, server_default=""),
    )
    op.create_index("ix_stage_events_at", "stage_events", ["at"])
    op.create_table(
        "touches",
        sa.Column("event_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("type", sa.String, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("source", sa.String),
        sa.Column("campaign", sa.String),
        sa.Column("content_id", sa.String),
    )
    op.create_index("ix_touches_lead", "touches", ["lead_id", "at"])
    op.create_table(
        "lead_facts",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("persona", sa.String),
        sa.Column("source", sa.String),
        sa.Column("campaign", sa.String),
    )
    op.create_table(
        "handoffs",
        sa.Column("handoff_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False, index=True),
        sa.Column("handed_at", _TS, nullable=False),
        sa.Column("first_contact_due", _TS, nullable=False),
        sa.Column("hard_limit", _TS, nullable=False),
        sa.Column("rep_id", sa.String),
        sa.Column("team", sa.String),
        sa.Column("responded_at", _TS),
    )


def downgrade() -> None:
    for table in ("handoffs", "lead_facts", "touches", "stage_events"):
        op.drop_table(table)
    drop_runtime_tables()
