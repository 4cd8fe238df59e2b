"""Ingest's first tables: webhook deliveries (de-duplication across days), and the runtime's outbox.

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


def upgrade() -> None:
    create_runtime_tables()
    op.create_table(
        "webhook_deliveries",
        sa.Column("source", sa.String, primary_key=True),
        sa.Column("delivery_id", sa.String, primary_key=True),
        sa.Column("answer", JSONB, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webhook_deliveries_received_at", "webhook_deliveries", ["received_at"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    drop_runtime_tables()
