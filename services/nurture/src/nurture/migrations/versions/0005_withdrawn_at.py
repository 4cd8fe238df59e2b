"""The lead's last withdrawal of consent (an unsubscribe or a form answered no), so that a
confirmation before it stays void whatever order the statements arrive in.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("nurture_leads", sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE nurture_leads SET withdrawn_at = unsubscribed_at")  # what was known of withdrawals


def downgrade() -> None:
    op.drop_column("nurture_leads", "withdrawn_at")
