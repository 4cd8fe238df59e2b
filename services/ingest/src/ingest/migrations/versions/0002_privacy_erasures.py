"""The erasure requests ingest published: erasure id, lead id and time, never the email.

Revision ID: 0002
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
