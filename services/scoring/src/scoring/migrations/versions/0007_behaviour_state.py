"""Leads carry their behaviour as running state (scoring.domain.behaviour_state), so a touchpoint
costs the same whatever the lead's history; caps read their window through an index. Leads from
before have NULL and are rebuilt from their ledger on their next touchpoint.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("behaviour", JSONB))
    op.create_index("ix_score_changes_window", "score_changes", ["lead_id", "rule", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_score_changes_window", "score_changes")
    op.drop_column("leads", "behaviour")
