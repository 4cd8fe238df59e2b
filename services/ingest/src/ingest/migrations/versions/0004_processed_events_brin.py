"""processed_events gets the BRIN index the purge of old ids reads (lead_runtime.retention). Ingest consumes nothing (its table stays
empty); the index keeps its schema that of lead_runtime.db.

Revision ID: 0004
Revises: 0003
"""

from lead_runtime.retention import index_processed_events

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_processed_events()


def downgrade() -> None:
    index_processed_events(create=False)
