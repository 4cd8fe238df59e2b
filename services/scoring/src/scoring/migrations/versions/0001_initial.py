"""Scoring's first tables: leads, touchpoints, the score ledger, stage history, outbox.

Revision ID: 0001
"""

from alembic import op

from scoring.adapters.tables import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The first revision creates the tables as defined today; later revisions alter explicitly.
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
