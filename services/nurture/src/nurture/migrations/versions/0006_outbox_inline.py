"""The outbox keeps an event in its row instead of compressing it into TOAST (see
lead_runtime.migrate.keep_rows_inline).

Revision ID: 0006
Revises: 0005
"""

from lead_runtime.migrate import keep_rows_inline

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keep_rows_inline("outbox")


def downgrade() -> None:
    keep_rows_inline("outbox", inline=False)
