"""Journeys, double opt-in, time zone, recycle reason, known profile fields, pause switch, deliveries.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("nurture_leads", sa.Column("double_opt_in_at", TZ))
    op.add_column("nurture_leads", sa.Column("country", sa.String))
    op.add_column("nurture_leads", sa.Column("time_zone", sa.String))
    op.add_column("nurture_leads", sa.Column("recycle_reason", sa.String))
    op.add_column("nurture_leads", sa.Column("known", ARRAY(sa.Text), nullable=False, server_default="{}"))
    op.create_table(
        "nurture_journeys",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("journey_id", sa.String, primary_key=True),
        sa.Column("topic", sa.String, primary_key=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("trigger_content", sa.String),
        sa.Column("cause_event_id", sa.String, nullable=False),
        sa.Column("correlation_id", sa.String),
        sa.Column("ended_at", TZ),
    )
    op.create_table(
        "nurture_switches",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("on", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_table(
        "nurture_deliveries",
        sa.Column("step_id", sa.String, primary_key=True),
        sa.Column("lead_id", sa.String, nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TZ),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
    )
    op.create_index(
        "ix_nurture_deliveries_due", "nurture_deliveries", ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    for table in ("nurture_deliveries", "nurture_switches", "nurture_journeys"):
        op.drop_table(table)
    for column in ("known", "recycle_reason", "time_zone", "country", "double_opt_in_at"):
        op.drop_column("nurture_leads", column)
