"""processed_events gets the BRIN index the purge of old ids reads (lead_runtime.retention).

With REPORTING_RETENTION_DAYS, touches whose time is older are purged the same way (BRIN on at),
and retention_cutoffs records the cutoff: the attribution report says when its period starts
before it.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from lead_runtime.retention import (
    CUTOFFS, create_brin_index, create_retention_cutoffs_table, drop_brin_index, index_processed_events,
)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_processed_events()
    create_brin_index("touches", "at")
    create_retention_cutoffs_table()


def downgrade() -> None:
    op.drop_table(CUTOFFS)
    drop_brin_index("touches", "at")
    index_processed_events(create=False)
