"""Ingest's tables: webhook deliveries it has published (so a redelivery is not published again), and
the erasure requests it published (ids and times only)."""

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table
from sqlalchemy.dialects.postgresql import JSONB
from lead_runtime.db import add_runtime_tables
from lead_runtime.erasures import add_erasures_table

metadata = MetaData()
add_runtime_tables(metadata)  # the runtime's outbox relay expects them; ingest publishes directly

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("source", String, primary_key=True),
    Column("delivery_id", String, primary_key=True),
    Column("answer", JSONB, nullable=False),  # event and lead ids, so a duplicate gets the same answer
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_webhook_deliveries_received_at", "received_at"),
)

privacy_erasures = add_erasures_table(metadata)
