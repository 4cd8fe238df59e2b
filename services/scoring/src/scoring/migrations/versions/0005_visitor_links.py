"""Which lead an anonymous visitor turned out to be (lead_runtime.visitors).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from lead_runtime.visitors import TABLE, create_visitor_links_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_visitor_links_table()


def downgrade() -> None:
    op.drop_table(TABLE)
