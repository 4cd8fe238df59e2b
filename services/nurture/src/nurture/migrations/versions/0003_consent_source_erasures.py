"""Consent with its source; the erasures nurture carried out (ids and times, no personal data).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from lead_runtime.erasures import TABLE, create_erasures_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("nurture_leads", sa.Column("consent_source", sa.String))
    create_erasures_table()


def downgrade() -> None:
    op.drop_table(TABLE)
    op.drop_column("nurture_leads", "consent_source")
