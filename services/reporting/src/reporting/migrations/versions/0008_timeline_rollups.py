"""Reports from what the read model keeps as events arrive instead of per-row lookups (issue 13):

- each stage event stores the lead's previous event (prev_at, prev_stage: the stay it ends) and
  the highest funnel rank the lead had before it (prior_max: the stages it reaches first), see
  reporting/domain/timeline.py; an index on `at` of the events that end a stay, covering its columns;
- `funnel_tallies`: flows, reasons, reached and converted per group, day and month
  (reporting/domain/funnel_days.py);
- `attribution_credits` per lead, stage reached and content item, and `attribution_tallies` per
  stage, day and month (reporting/domain/credits.py);

all filled from the events and touches already stored, as the write path would have.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# as in reporting/domain/model.py and reporting/domain/credits.py when this was written
FUNNEL = ("prospect", "marketing_lead", "sales_ready", "sales_accepted", "opportunity", "won")
ATTRIBUTED = ("sales_ready", "won")

_RANK = "CASE to_stage " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(FUNNEL)) + " END"
_STAGES = "ARRAY[" + ", ".join(f"'{s}'" for s in FUNNEL) + "]"
_SINCE = ", ".join(f"('{s}', ARRAY[{', '.join(repr(x) for x in FUNNEL[FUNNEL.index(s):])}])" for s in ATTRIBUTED)

# The same as reporting/domain/timeline.py (in_order) for every lead at once; a lead's first
# event keeps the defaults (no previous event, prior_max -1).
_TIMELINES = f"""
UPDATE stage_events s SET prev_at = w.prev_at, prev_stage = w.prev_stage, prior_max = w.prior_max
FROM (
    SELECT event_id, lag(at) OVER w AS prev_at, lag(to_stage) OVER w AS prev_stage,
           coalesce(max({_RANK}) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -1) AS prior_max
    FROM stage_events WINDOW w AS (PARTITION BY lead_id ORDER BY at, event_id COLLATE "C")
) w
WHERE s.event_id = w.event_id AND w.prev_at IS NOT NULL
"""

# The same counts as reporting/domain/funnel_days.py (lead_counts), in the same groups as the
# tallies of migration 0004 (reporting/adapters/tallies.py), per day and month.
_FUNNEL_TALLIES = f"""
WITH ev AS (
    SELECT lead_id, (at AT TIME ZONE 'UTC')::date AS day, to_stage, from_stage, reason, prior_max, {_RANK} AS rank
    FROM stage_events
), highest AS (
    SELECT lead_id, max(rank) AS highest FROM ev GROUP BY lead_id
), counts AS (
    SELECT lead_id, day, 'in' AS measure, to_stage AS stage, '' AS detail FROM ev
    UNION ALL SELECT lead_id, day, 'out', from_stage, '' FROM ev WHERE from_stage <> ''
    UNION ALL SELECT lead_id, day, 'reason', to_stage, reason FROM ev WHERE to_stage IN ('recycled', 'disqualified')
    UNION ALL SELECT ev.lead_id, ev.day, m.measure, ({_STAGES})[k + 1], ''
    FROM ev JOIN highest h ON h.lead_id = ev.lead_id CROSS JOIN generate_series(ev.prior_max + 1, ev.rank) k
    CROSS JOIN LATERAL (VALUES ('reached'), ('converted')) m(measure)
    WHERE ev.rank > ev.prior_max AND (m.measure = 'reached' OR h.highest > k)
), per_lead AS (
    SELECT lead_id, day, measure, stage, detail, count(*) AS n FROM counts GROUP BY 1, 2, 3, 4, 5
), daily AS (
    SELECT d.dimension, d.grp, c.day, c.measure, c.stage, c.detail, sum(c.n) AS n
    FROM per_lead c LEFT JOIN lead_facts f ON f.lead_id = c.lead_id
    CROSS JOIN LATERAL (VALUES ('all', ''),
        ('source', coalesce(nullif(f.source, ''), 'unknown')),
        ('campaign', coalesce(nullif(f.campaign, ''), 'unknown')),
        ('persona', coalesce(nullif(f.persona, ''), 'unknown'))) AS d(dimension, grp)
    GROUP BY 1, 2, 3, 4, 5, 6
    UNION ALL
    SELECT 'content', i.item, c.day, c.measure, c.stage, c.detail, sum(c.n)
    FROM per_lead c JOIN lead_items i ON i.lead_id = c.lead_id GROUP BY 2, 3, 4, 5, 6
)
INSERT INTO funnel_tallies (dimension, span, starts, grp, measure, stage, detail, n)
SELECT dimension, span, starts, grp, measure, stage, detail, sum(n) FROM (
    SELECT dimension, 'day' AS span, day AS starts, grp, measure, stage, detail, n FROM daily
    UNION ALL SELECT dimension, 'month', date_trunc('month', day)::date, grp, measure, stage, detail, n FROM daily
) s GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY 1, 2, 3, 4, 5, 6, 7  -- in the key's order: a period's rows lie together, a few pages to read
"""

# The same credit as reporting/adapters/credits.py computes for a lead: its touches up to the
# moment it first reached each attributed stage, per item.
_CREDITS = f"""
WITH reached AS (
    SELECT e.lead_id, s.stage, min(e.at) AS at
    FROM stage_events e JOIN (VALUES {_SINCE}) s(stage, stages) ON e.to_stage = ANY(s.stages) GROUP BY 1, 2
), credited AS (
    SELECT r.lead_id, r.stage, r.at, coalesce(nullif(t.content_id, ''), t.type) AS item,
           row_number() OVER (PARTITION BY r.lead_id, r.stage ORDER BY t.at, t.event_id) AS i,
           row_number() OVER (PARTITION BY r.lead_id, r.stage ORDER BY t.at DESC, t.event_id DESC) AS j,
           count(*) OVER (PARTITION BY r.lead_id, r.stage) AS n
    FROM reached r JOIN touches t ON t.lead_id = r.lead_id AND t.at <= r.at
)
INSERT INTO attribution_credits (lead_id, stage, item, reached_at, touches, n, first_touch, last_touch)
SELECT lead_id, stage, item, at, count(*), n, max((i = 1)::int), max((j = 1)::int)
FROM credited GROUP BY lead_id, stage, item, at, n
"""

# ItemCredit.linear: touches / n rounded half up to 12 decimals, exactly.
_ATTRIBUTION_TALLIES = """
INSERT INTO attribution_tallies (stage, span, starts, item, first_touch, last_touch, linear)
SELECT c.stage, s.span, s.starts, c.item, sum(c.first_touch), sum(c.last_touch),
       sum(div(2 * c.touches * 1000000000000::numeric + c.n, 2 * c.n) * 0.000000000001)
FROM attribution_credits c CROSS JOIN LATERAL (VALUES
    ('day', (c.reached_at AT TIME ZONE 'UTC')::date),
    ('month', date_trunc('month', c.reached_at AT TIME ZONE 'UTC')::date)) AS s(span, starts)
GROUP BY 1, 2, 3, 4
"""

# in this order (the tallies read what the statements before them wrote); tools/seed_reporting.py
# runs them too, on rows it copied in
_BACKFILL = (_TIMELINES, _FUNNEL_TALLIES, _CREDITS, _ATTRIBUTION_TALLIES)


def upgrade() -> None:
    op.add_column("stage_events", sa.Column("prev_at", sa.DateTime(timezone=True)))
    op.add_column("stage_events", sa.Column("prev_stage", sa.String))
    op.add_column("stage_events", sa.Column("prior_max", sa.SmallInteger, nullable=False, server_default="-1"))
    op.create_table(
        "funnel_tallies",
        sa.Column("dimension", sa.String, primary_key=True),
        sa.Column("span", sa.String, primary_key=True),
        sa.Column("starts", sa.Date, primary_key=True),
        sa.Column("grp", sa.String, primary_key=True),
        sa.Column("measure", sa.String, primary_key=True),
        sa.Column("stage", sa.String, primary_key=True),
        sa.Column("detail", sa.String, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.create_table(
        "attribution_credits",
        sa.Column("lead_id", sa.String, primary_key=True),
        sa.Column("stage", sa.String, primary_key=True),
        sa.Column("item", sa.String, primary_key=True),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("touches", sa.Integer, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("first_touch", sa.SmallInteger, nullable=False),
        sa.Column("last_touch", sa.SmallInteger, nullable=False),
    )
    op.create_table(
        "attribution_tallies",
        sa.Column("stage", sa.String, primary_key=True),
        sa.Column("span", sa.String, primary_key=True),
        sa.Column("starts", sa.Date, primary_key=True),
        sa.Column("item", sa.String, primary_key=True),
        sa.Column("first_touch", sa.Integer, nullable=False),
        sa.Column("last_touch", sa.Integer, nullable=False),
        sa.Column("linear", sa.Numeric, nullable=False),
    )
    op.execute("SET LOCAL work_mem = '256MB'")
    for statement in _BACKFILL:
        op.execute(statement)
    # built after the rows are in: one sorted build each instead of an insert per row
    op.create_index("ix_stage_events_stays", "stage_events", ["at"], postgresql_include=["lead_id", "prev_stage", "prev_at"],
                    postgresql_where=sa.text("prev_at IS NOT NULL"))
    op.create_index("ix_attribution_credits_reached", "attribution_credits", ["stage", "reached_at"])
    for table in ("stage_events", "funnel_tallies", "attribution_credits", "attribution_tallies"):
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    op.drop_index("ix_stage_events_stays", table_name="stage_events")
    for table in ("attribution_tallies", "attribution_credits", "funnel_tallies"):
        op.drop_table(table)
    for column in ("prior_max", "prev_stage", "prev_at"):
        op.drop_column("stage_events", column)
