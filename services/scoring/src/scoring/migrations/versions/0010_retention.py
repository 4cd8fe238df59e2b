"""processed_events gets the BRIN index the purge of old ids reads (lead_runtime.retention).

With SCORING_RETENTION_DAYS, touchpoints and score lines whose occurred_at is older are purged the
same way (BRIN on occurred_at), and retention_cutoffs records the cutoff each was purged up to: a
replay (shadow, switch) then starts from what the lead's stored profile says was said before it.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from lead_runtime.retention import (
    CUTOFFS, create_brin_index, create_retention_cutoffs_table, drop_brin_index, index_processed_events,
)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_processed_events()
    create_brin_index("touchpoints", "occurred_at")
    create_brin_index("score_changes", "occurred_at")
    create_retention_cutoffs_table()


def downgrade() -> None:
    op.drop_table(CUTOFFS)
    drop_brin_index("score_changes", "occurred_at")
    drop_brin_index("touchpoints", "occurred_at")
    index_processed_events(create=False)
