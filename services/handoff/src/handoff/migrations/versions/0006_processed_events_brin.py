"""processed_events gets the BRIN index the purge of old ids reads (lead_runtime.retention).

Revision ID: 0006
Revises: 0005
"""

from lead_runtime.retention import index_processed_events

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_processed_events()


def downgrade() -> None:
    index_processed_events(create=False)
