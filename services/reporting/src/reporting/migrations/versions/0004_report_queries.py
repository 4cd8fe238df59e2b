"""Reports computed in PostgreSQL: indexes for the period's events, a lead's events, the content
items and the period's handoffs, and `stage_tallies` (leads per stage summed per group, day and
month, see reporting/domain/tallies.py), filled from the events already stored.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The same shares as reporting/adapters/tallies.py, for every lead at once.
_BACKFILL = """
WITH ev AS (
    SELECT lead_id, (at AT TIME ZONE 'UTC')::date AS day, to_stage,
           lag(to_stage) OVER (PARTITION BY lead_id ORDER BY at, event_id) AS prev
    FROM stage_events
), changes AS (
    SELECT lead_id, day, to_stage AS stage, 1 AS delta FROM ev
    UNION ALL SELECT lead_id, day, prev, -1 FROM ev WHERE prev IS NOT NULL
), member AS (
    SELECT l.lead_id, d.dimension, d.grp
    FROM (SELECT DISTINCT lead_id FROM ev) l LEFT JOIN lead_facts f ON f.lead_id = l.lead_id
    CROSS JOIN LATERAL (VALUES ('all', ''),
        ('source', coalesce(nullif(f.source, ''), 'unknown')),
        ('campaign', coalesce(nullif(f.campaign, ''), 'unknown')),
        ('persona', coalesce(nullif(f.persona, ''), 'unknown'))) AS d(dimension, grp)
    UNION
    SELECT t.lead_id, 'content', coalesce(nullif(t.content_id, ''), t.type)
    FROM touches t WHERE t.lead_id IN (SELECT lead_id FROM ev)
), daily AS (
    SELECT m.dimension, m.grp, c.day, c.stage, sum(c.delta) AS delta
    FROM changes c JOIN member m ON m.lead_id = c.lead_id GROUP BY 1, 2, 3, 4
)
INSERT INTO stage_tallies (dimension, grp, span, starts, stage, delta)
SELECT dimension, grp, span, starts, stage, sum(delta) FROM (
    SELECT dimension, grp, 'day' AS span, day AS starts, stage, delta FROM daily
    UNION ALL SELECT dimension, grp, 'month', date_trunc('month', day)::date, stage, delta FROM daily
) s GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0
"""


def upgrade() -> None:
    op.create_index("ix_stage_events_lead", "stage_events", ["lead_id", "at", "event_id"],
                    postgresql_include=["to_stage"])
    op.create_index("ix_touches_item", "touches", [sa.text("coalesce(nullif(content_id, ''), type)")])
    op.create_index("ix_handoffs_handed_at", "handoffs", ["handed_at"])
    op.create_table(
        "stage_tallies",
        sa.Column("dimension", sa.String, primary_key=True),
        sa.Column("grp", sa.String, primary_key=True),
        sa.Column("span", sa.String, primary_key=True),
        sa.Column("starts", sa.Date, primary_key=True),
        sa.Column("stage", sa.String, primary_key=True),
        sa.Column("delta", sa.Integer, nullable=False),
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_table("stage_tallies")
    for table, index in (("handoffs", "ix_handoffs_handed_at"), ("touches", "ix_touches_item"),
                         ("stage_events", "ix_stage_events_lead")):
        op.drop_index(index, table_name=table)
