"""GET /v1/handoffs/{lead_id} reads a handoff's latest delivery attempts and CRM answers, and
/feedback pages a lead's answers newest first: each through an index in that order, so a page
costs the same however long the history. The indexes on handoff_id and lead_id alone are the new
ones' prefixes and go.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_handoff_attempts_handoff", "handoff_attempts", ["handoff_id", "id"])
    op.drop_index("ix_handoff_attempts_handoff_id", "handoff_attempts")
    op.create_index("ix_crm_feedback_lead", "crm_feedback", ["lead_id", "id"])
    op.create_index("ix_crm_feedback_handoff", "crm_feedback", ["handoff_id", "id"])
    op.drop_index("ix_crm_feedback_lead_id", "crm_feedback")


def downgrade() -> None:
    op.create_index("ix_crm_feedback_lead_id", "crm_feedback", ["lead_id"])
    op.drop_index("ix_crm_feedback_handoff", "crm_feedback")
    op.drop_index("ix_crm_feedback_lead", "crm_feedback")
    op.create_index("ix_handoff_attempts_handoff_id", "handoff_attempts", ["handoff_id"])
    op.drop_index("ix_handoff_attempts_handoff", "handoff_attempts")
