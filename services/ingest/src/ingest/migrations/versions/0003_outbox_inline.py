"""The outbox keeps an event in its row instead of compressing it into TOAST (see
lead_runtime.migrate.keep_rows_inline).

Revision ID: 0003
Revises: 0002
"""

from lead_runtime.migrate import keep_rows_inline

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keep_rows_inline("outbox")


def downgrade() -> None:
    keep_rows_inline("outbox", inline=False)
