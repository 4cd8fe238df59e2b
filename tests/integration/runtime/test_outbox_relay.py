"""Two relays on one outbox, as the API and the worker process of one service run them, against
the real database and broker: every row is published once, and each lead's rows in the order
they were written (two relays publishing at once would let a later event overtake an earlier one)."""

import asyncio
from collections import defaultdict

import pytest
from lead_events import topics
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.kafka import make_producer
from lead_runtime.outbox import OutboxRelay, Row, add_rows
from sqlalchemy import text

from tests.kafka_tools import eventually, read_all

pytestmark = pytest.mark.integration
LEADS, PER_LEAD = 3, 150  # few leads: two concurrent batches would hold rows of the same lead


async def test_two_relays_publish_each_row_once_and_each_leads_rows_in_order(fresh_database, kafka_settings):
    engine = make_engine(await fresh_database("scoring"))
    sessions = make_sessionmaker(engine)
    rows = [Row(topics.LEAD_LIFECYCLE, f"lead-{lead}", f"lead-{lead}:{n}".encode(), [])
            for n in range(PER_LEAD) for lead in range(LEADS)]
    async with sessions.begin() as session:
        await add_rows(session, rows)
    producers = [make_producer(kafka_settings) for _ in range(2)]
    stopping = asyncio.Event()
    try:
        for producer in producers:
            await producer.start()
        relays = [OutboxRelay(sessions, producer, kafka_settings, batch_size=5) for producer in producers]
        tasks = [asyncio.create_task(relay.run(stopping)) for relay in relays]
        await eventually(lambda: _outbox_empty(sessions), timeout=60, interval=0.1)
        stopping.set()
        await asyncio.gather(*tasks)
    finally:
        for producer in producers:
            await producer.stop()
        await engine.dispose()

    published = [record.value.decode() for record in await read_all(kafka_settings, topics.LEAD_LIFECYCLE)]
    assert sorted(published) == sorted(row.value.decode() for row in rows)  # each once
    by_lead: dict[str, list[int]] = defaultdict(list)
    for value in published:
        lead, n = value.split(":")
        by_lead[lead].append(int(n))
    assert all(ns == list(range(PER_LEAD)) for ns in by_lead.values()), dict(by_lead)


async def _outbox_empty(sessions) -> bool:
    async with sessions() as session:
        return (await session.execute(text("SELECT count(*) FROM outbox"))).scalar() == 0
