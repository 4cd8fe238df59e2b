"""The outbox keeps an event, and a lead its running state, in the row instead of compressing
them into TOAST (see lead_runtime.migrate.keep_rows_inline).

Revision ID: 0008
Revises: 0007
"""

from lead_runtime.migrate import keep_rows_inline

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keep_rows_inline("outbox")
    keep_rows_inline("leads")


def downgrade() -> None:
    keep_rows_inline("outbox", inline=False)
    keep_rows_inline("leads", inline=False)
