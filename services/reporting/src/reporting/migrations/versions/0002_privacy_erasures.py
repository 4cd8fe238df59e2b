"""The erasures reporting honoured: erasure id, lead id and times (it keeps no personal data).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from lead_runtime.erasures import TABLE, create_erasures_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_erasures_table()


def downgrade() -> None:
    op.drop_table(TABLE)
