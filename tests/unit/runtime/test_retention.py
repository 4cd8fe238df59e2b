"""lead_runtime.retention without a database: the cutoff, the batches, the record of the cutoff
before anything goes, and a failing purge that neither stops the others nor the worker."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from lead_runtime.retention import Purge, cutoff_of, purge_once, purge_worker

NOW = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)


class FakeRows:
    """Rows by time; `delete` takes at most n older than the cutoff, and records each batch."""

    def __init__(self, times: list[datetime]) -> None:
        self.times, self.batches, self.calls = sorted(times), [], []

    async def delete(self, cutoff: datetime, n: int) -> int:
        self.calls.append(("delete", cutoff))
        old = [t for t in self.times if t < cutoff][:n]
        for t in old:
            self.times.remove(t)
        self.batches.append(len(old))
        return len(old)


def test_the_cutoff_is_the_retention_before_now():
    assert cutoff_of(NOW, timedelta(days=30)) == datetime(2026, 10, 27, 10, 15, tzinfo=UTC)


def test_a_retention_reaching_before_the_first_year_keeps_everything():
    assert cutoff_of(NOW, timedelta(days=10_000_000)) == datetime.min.replace(tzinfo=UTC)


async def test_rows_older_than_the_cutoff_go_in_batches_and_newer_ones_stay():
    rows = FakeRows([NOW - timedelta(days=40, seconds=i) for i in range(12)] + [NOW - timedelta(days=29)])
    assert await purge_once(Purge("things", timedelta(days=30), rows.delete, batch=5), NOW) == 12
    assert rows.batches == [5, 5, 2]  # a short batch means nothing old is left: no fourth statement
    assert rows.times == [NOW - timedelta(days=29)]


async def test_a_full_last_batch_takes_one_more_statement_to_find_nothing_left():
    rows = FakeRows([NOW - timedelta(days=40, seconds=i) for i in range(10)])
    assert await purge_once(Purge("things", timedelta(days=30), rows.delete, batch=5), NOW) == 10
    assert rows.batches == [5, 5, 0]


async def test_the_cutoff_is_recorded_before_the_first_row_goes():
    rows = FakeRows([NOW - timedelta(days=40)])

    async def mark(cutoff: datetime) -> None:
        rows.calls.append(("mark", cutoff))

    await purge_once(Purge("things", timedelta(days=30), rows.delete, mark=mark), NOW)
    assert [kind for kind, _ in rows.calls] == ["mark", "delete"]
    assert rows.calls[0][1] == rows.calls[1][1] == NOW - timedelta(days=30)


async def test_a_purge_stops_between_batches_when_the_service_stops():
    rows, stopping = FakeRows([NOW - timedelta(days=40, seconds=i) for i in range(20)]), asyncio.Event()

    async def delete_then_stop(cutoff: datetime, n: int) -> int:
        stopping.set()  # a SIGTERM while the first batch runs
        return await rows.delete(cutoff, n)

    assert await purge_once(Purge("things", timedelta(days=30), delete_then_stop, batch=5), NOW, stopping) == 5
    assert len(rows.times) == 15


async def test_what_went_is_logged_with_fields(caplog):
    rows = FakeRows([NOW - timedelta(days=40, seconds=i) for i in range(7)])
    with caplog.at_level(logging.INFO, logger="lead_runtime.retention"):
        await purge_once(Purge("processed_events", timedelta(days=30), rows.delete, batch=5), NOW)
    [record] = [r for r in caplog.records if r.msg == "purged old rows"]
    assert record.fields == {"what": "processed_events", "deleted": 7, "batches": 2,
                             "before": "2026-10-27T10:15:00+00:00"}


async def test_a_failing_purge_is_logged_and_the_others_and_the_worker_go_on(caplog):
    rows, stopping = FakeRows([NOW - timedelta(days=40)]), asyncio.Event()

    async def broken(cutoff: datetime, n: int) -> int:
        raise ConnectionError("database gone")

    worker = purge_worker("purge", [Purge("broken", timedelta(days=1), broken),
                                    Purge("things", timedelta(days=30), rows.delete)], 30.0, lambda: NOW)
    task = asyncio.create_task(worker(stopping))
    for _ in range(100):
        if not rows.times:
            break
        await asyncio.sleep(0.01)
    stopping.set()
    await asyncio.wait_for(task, 1)
    assert rows.times == [] and task.exception() is None
    assert any("purging old broken failed" in r.getMessage() for r in caplog.records)
