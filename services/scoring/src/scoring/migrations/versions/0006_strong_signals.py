"""Score changes remember whether they were a late-stage buying signal, so a lead read back
lists its strong signals as the fresh event did (rows from before: told by their detail).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("score_changes", sa.Column("strong", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute("UPDATE score_changes SET strong = true WHERE detail LIKE '%(strong buying signal)'")


def downgrade() -> None:
    op.drop_column("score_changes", "strong")
