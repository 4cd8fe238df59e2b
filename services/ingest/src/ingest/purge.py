"""The purge worker: forgets webhook ids older than the retention, in small batches."""

import asyncio
import logging
from datetime import timedelta

from .ports import Clock, Deliveries

log = logging.getLogger(__name__)
BATCH = 5000


def purge_worker(deliveries: Deliveries, retention: timedelta, interval_seconds: float, clock: Clock):
    async def run(stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                await purge_once(deliveries, retention, clock)
            except Exception:
                log.exception("purging old webhook ids failed; retrying later")
            try:
                await asyncio.wait_for(stopping.wait(), interval_seconds)
            except TimeoutError:
                pass

    run.__name__ = "webhook-purge"
    return run


async def purge_once(deliveries: Deliveries, retention: timedelta, clock: Clock) -> int:
    cutoff, total = clock() - retention, 0
    while (deleted := await deliveries.forget_before(cutoff, BATCH)) > 0:
        total += deleted
        if deleted < BATCH:
            break
    if total:
        log.info("purged old webhook ids", extra={"fields": {"deleted": total, "before": cutoff.isoformat()}})
    return total
