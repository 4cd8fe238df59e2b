"""Agreement versions: which one is active, from when; candidates are evaluated in shadow first.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("version", sa.String, primary_key=True),
        sa.Column("document", JSONB, nullable=False),
        sa.Column("loaded_from", sa.String),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("activated_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("agreements")
