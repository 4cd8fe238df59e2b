"""Leads carry the time decay may drop them a stage, indexed for the review worker.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("review_at", sa.DateTime(timezone=True)))
    op.create_index("ix_leads_review_at", "leads", ["review_at"], postgresql_where=sa.text("review_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_leads_review_at", "leads")
    op.drop_column("leads", "review_at")
