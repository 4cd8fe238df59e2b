"""The outbox keeps an event in its row instead of compressing it into TOAST (see
lead_runtime.migrate.keep_rows_inline).

Revision ID: 0004
Revises: 0003
"""

from lead_runtime.migrate import keep_rows_inline

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keep_rows_inline("outbox")


def downgrade() -> None:
    keep_rows_inline("outbox", inline=False)
