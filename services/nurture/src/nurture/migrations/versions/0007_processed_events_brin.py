"""processed_events gets the BRIN index the purge of old ids reads (lead_runtime.retention).

Revision ID: 0007
Revises: 0006
"""

from lead_runtime.retention import index_processed_events

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_processed_events()


def downgrade() -> None:
    index_processed_events(create=False)
