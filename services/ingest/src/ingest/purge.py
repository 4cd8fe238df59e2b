"""The purge worker: forgets webhook ids older than the retention, in small batches (the runtime's
purge, lead_runtime.retention, over the Deliveries port)."""

from datetime import timedelta

from lead_runtime import retention as purging

from .ports import Clock, Deliveries

BATCH = purging.BATCH


def _webhook_ids(deliveries: Deliveries, retention: timedelta) -> purging.Purge:
    return purging.Purge("webhook ids", retention, deliveries.forget_before)


def purge_worker(deliveries: Deliveries, retention: timedelta, interval_seconds: float, clock: Clock):
    return purging.purge_worker("webhook-purge", [_webhook_ids(deliveries, retention)], interval_seconds, clock)


async def purge_once(deliveries: Deliveries, retention: timedelta, clock: Clock) -> int:
    return await purging.purge_once(_webhook_ids(deliveries, retention), clock())
