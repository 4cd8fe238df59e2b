"""Leads by stage are paged by keyset, newest first: (stage, created_at, lead_id) is the order
`GET /v1/leads?stage=` reads in, (created_at, lead_id) the order without a stage. The index on
stage alone is the new one's prefix and goes. created_at never changes, so a lead's update
(every batch rewrites its running state) keeps no more index entries than before.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_leads_stage_created", "leads", ["stage", "created_at", "lead_id"])
    op.create_index("ix_leads_created", "leads", ["created_at", "lead_id"])
    op.drop_index("ix_leads_stage", "leads")


def downgrade() -> None:
    op.create_index("ix_leads_stage", "leads", ["stage"])
    op.drop_index("ix_leads_created", "leads")
    op.drop_index("ix_leads_stage_created", "leads")
