"""Reporting's read model: append-only facts from the topics, never the other services' state."""

from sqlalchemy import Column, Date, DateTime, Index, Integer, MetaData, Numeric, SmallInteger, String, Table, Text, text
from lead_runtime.db import add_runtime_tables
from lead_runtime.erasures import add_erasures_table
from lead_runtime.retention import add_retention_cutoffs_table, brin_index
from lead_runtime.visitors import add_visitor_links_table

metadata = MetaData()
add_runtime_tables(metadata)
_TS = DateTime(timezone=True)

stage_events = Table(
    "stage_events", metadata,
    Column("event_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("from_stage", String),
    Column("to_stage", String, nullable=False),
    Column("at", _TS, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("changed_by", String, nullable=False, server_default=""),
    # What the reports would otherwise look up per row (domain/timeline.py, migration 0008): the
    # lead's previous event (the stay this one ends) and its highest funnel rank before this one.
    Column("prev_at", _TS),
    Column("prev_stage", String),
    Column("prior_max", SmallInteger, nullable=False, server_default="-1"),
    Index("ix_stage_events_at", "at"),
    # A lead's events in order (its timeline, its highest stage) without the table: migration 0004.
    Index("ix_stage_events_lead", "lead_id", "at", "event_id", postgresql_include=["to_stage"]),
    # The stays that ended in a period (events with a previous one), read from the index alone for
    # their medians (migration 0008): a third of the size of one over every event.
    Index("ix_stage_events_stays", "at", postgresql_include=["lead_id", "prev_stage", "prev_at"],
          postgresql_where=text("prev_at IS NOT NULL")),
)

touches = Table(
    "touches", metadata,
    Column("event_id", String, primary_key=True),
    Column("lead_id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("at", _TS, nullable=False),
    Column("source", String),
    Column("campaign", String),
    Column("content_id", String),
    Index("ix_touches_lead", "lead_id", "at"),
    # The content items ever touched, read by skipping through the index (migration 0004).
    Index("ix_touches_item", text("coalesce(nullif(content_id, ''), type)")),
    brin_index("touches", "at"),  # the retention's purge (migration 0007)
)

# The content items each lead touched (Touch.item), kept as touches arrive and moved on a visitor's
# adoption (migration 0005): the tallies read a lead's few items here, never its touches.
lead_items = Table(
    "lead_items", metadata,
    Column("lead_id", String, primary_key=True),
    Column("item", String, primary_key=True),
)

lead_facts = Table(
    "lead_facts", metadata,
    Column("lead_id", String, primary_key=True),
    Column("persona", String),
    Column("source", String),
    Column("campaign", String),
)

handoffs = Table(
    "handoffs", metadata,
    Column("handoff_id", String, primary_key=True),
    Column("lead_id", String, nullable=False, index=True),
    Column("handed_at", _TS, nullable=False),
    Column("first_contact_due", _TS, nullable=False),
    Column("hard_limit", _TS, nullable=False),
    Column("rep_id", String),
    Column("team", String),
    Column("responded_at", _TS),
    Index("ix_handoffs_handed_at", "handed_at"),
)

# Leads per stage kept summed per group, day and month (domain/tallies.py): dimension "all" with
# group "", or source/campaign/persona/content with the group's name.
stage_tallies = Table(
    "stage_tallies", metadata,
    Column("dimension", String, primary_key=True),
    Column("grp", String, primary_key=True),
    Column("span", String, primary_key=True),
    Column("starts", Date, primary_key=True),
    Column("stage", String, primary_key=True),
    Column("delta", Integer, nullable=False),
)

# The funnel's counts per group, day and month (domain/funnel_days.py): measure "in"/"out" (flows),
# "reason" (detail: the reason as written), "reached"/"converted" (per funnel stage).
funnel_tallies = Table(
    "funnel_tallies", metadata,  # keyed by time first: a period's rows are one range of the key
    Column("dimension", String, primary_key=True),
    Column("span", String, primary_key=True),
    Column("starts", Date, primary_key=True),
    Column("grp", String, primary_key=True),
    Column("measure", String, primary_key=True),
    Column("stage", String, primary_key=True),
    Column("detail", String, primary_key=True),
    Column("n", Integer, nullable=False),
)

# Each lead's attribution credit per stage reached and item (domain/credits.py), and its sums per
# stage, day and month (migration 0008).
attribution_credits = Table(
    "attribution_credits", metadata,
    Column("lead_id", String, primary_key=True),
    Column("stage", String, primary_key=True),
    Column("item", String, primary_key=True),
    Column("reached_at", _TS, nullable=False),
    Column("touches", Integer, nullable=False),
    Column("n", Integer, nullable=False),
    Column("first_touch", SmallInteger, nullable=False),
    Column("last_touch", SmallInteger, nullable=False),
    Index("ix_attribution_credits_reached", "stage", "reached_at"),
)

attribution_tallies = Table(
    "attribution_tallies", metadata,
    Column("stage", String, primary_key=True),
    Column("span", String, primary_key=True),
    Column("starts", Date, primary_key=True),
    Column("item", String, primary_key=True),
    Column("first_touch", Integer, nullable=False),
    Column("last_touch", Integer, nullable=False),
    Column("linear", Numeric, nullable=False),
)

# Reporting keeps no personal data (lead ids, stages, sources, times); it only records that it honoured an erasure.
privacy_erasures = add_erasures_table(metadata)
visitor_links = add_visitor_links_table(metadata)
# how far REPORTING_RETENTION_DAYS has purged touches (lead_runtime.retention)
retention_cutoffs = add_retention_cutoffs_table(metadata)
