"""Which lead an anonymous visitor turned out to be (lead_runtime.visitors).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from lead_runtime.visitors import TABLE, create_visitor_links_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_visitor_links_table()


def downgrade() -> None:
    op.drop_table(TABLE)
