"""The erasures scoring carried out: erasure id, lead id and times, never personal data.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from lead_runtime.erasures import TABLE, create_erasures_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_erasures_table()


def downgrade() -> None:
    op.drop_table(TABLE)
