"""Nurture's first tables: leads, steps sent, content taken up; outbox and processed events.

Written out rather than `metadata.create_all`, so this revision stays what it was when
tables.py changes; the runtime tables mirror lead_runtime.db.add_runtime_tables.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from lead_runtime.migrate import create_runtime_tables, drop_runtime_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_runtime_tables()
    op.create_table(
        "nurture_leads",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("email", sa.String),
        sa.Column("persona", sa.String),
        sa.Column("stage", sa.String),
        sa.Column("consent", sa.Boolean),
        sa.Column("consent_at", TZ),
        sa.Column("unsubscribed_at", TZ),
        sa.Column("handed_off", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("next_due_at", TZ),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_nurture_leads_next_due_at", "nurture_leads", ["next_due_at"])
    op.create_table(
        "nurture_steps",
        sa.Column("step_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("content_id", sa.String, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("track", sa.String, nullable=False),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("answered_at", TZ),
        sa.Column("event_id", sa.String, nullable=False),
        sa.Column("cause_event_id", sa.String),
        sa.Column("correlation_id", sa.String, nullable=False),
        sa.UniqueConstraint("lead_id", "content_id", name="uq_nurture_steps_lead_content"),
    )
    op.create_index("ix_nurture_steps_lead", "nurture_steps", ["lead_id", "sent_at"])
    op.create_table(
        "nurture_consumed",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("content_id", sa.String, primary_key=True),
        sa.Column("consumed_at", TZ, nullable=False),
        sa.Column("event_id", sa.String, nullable=False),
    )


def downgrade() -> None:
    for table in ("nurture_consumed", "nurture_steps", "nurture_leads"):
        op.drop_table(table)
    drop_runtime_tables()
