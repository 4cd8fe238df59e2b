from datetime import timedelta

from ingest.purge import purge_once

from .fakes import FakeDeliveries, MovableClock


async def test_webhook_ids_older_than_the_retention_are_forgotten_and_newer_kept():
    clock, deliveries = MovableClock(), FakeDeliveries()
    await deliveries.remember("webinars", "id:old", {}, clock() - timedelta(days=8))
    await deliveries.remember("webinars", "id:new", {}, clock() - timedelta(days=6))
    assert await purge_once(deliveries, timedelta(days=7), clock) == 1
    assert list(deliveries.rows) == [("webinars", "id:new")]
