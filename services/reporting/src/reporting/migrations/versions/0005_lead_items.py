"""`lead_items`: the content items each lead touched, so the tallies' write path reads a lead's
few items instead of all its touches (reporting/adapters/tallies.py), filled from the touches
already stored.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The same item as reporting/domain/model.py (Touch.item) and ix_touches_item.
_BACKFILL = """
INSERT INTO lead_items (lead_id, item)
SELECT DISTINCT lead_id, coalesce(nullif(content_id, ''), type) FROM touches
"""


def upgrade() -> None:
    op.create_table(
        "lead_items",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("item", sa.String, primary_key=True),
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_table("lead_items")
