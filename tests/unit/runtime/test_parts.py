"""A long job split over processes by a hash of the lead id (shadow and switch use it)."""

import io
import time
from functools import partial

from lead_runtime.parts import Part, Progress, run_parts


class Slot:
    value = 0


def test_one_part_takes_every_lead():
    assert Part().sql() == "TRUE"


def test_parts_split_by_a_stable_hash():
    assert Part(1, 4).sql() == "mod(hashtext(lead_id) & 2147483647, 4) = 1"
    assert Part(0, 2).sql("t.lead_id") == "mod(hashtext(t.lead_id) & 2147483647, 2) = 0"


async def test_progress_holds_a_part_to_its_rate():
    progress = Progress(Slot(), rate=1000)
    started = time.monotonic()
    for _ in range(5):
        await progress.advance(40)  # 200 units at 1,000/s: about 0.2 s
    assert time.monotonic() - started >= 0.18
    assert progress.done == 200


async def test_progress_without_a_rate_never_waits():
    slot = Slot()
    progress = Progress(slot)
    started = time.monotonic()
    await progress.advance(10**9)
    assert time.monotonic() - started < 0.05 and slot.value == 10**9


async def _square_of_part(base: int, part: Part, progress: Progress) -> int:
    await progress.advance(part.index + 1)
    return base + part.index ** 2


async def test_each_part_runs_in_its_own_process_and_results_come_in_part_order():
    out = io.StringIO()
    results = await run_parts(partial(_square_of_part, 100), 3, total=6, unit="items", out=out)
    assert results == [100, 101, 104]
    assert "6 items of about 6 (100%)" in out.getvalue().splitlines()[-1]
    assert "3 processes" in out.getvalue()


async def _fails(part: Part, progress: Progress) -> int:
    raise ValueError(f"part {part.index} refused")


async def test_a_failing_part_fails_the_job():
    try:
        await run_parts(_fails, 2, out=io.StringIO())
    except ValueError as exc:
        assert "refused" in str(exc)
    else:
        raise AssertionError("the failure was swallowed")


async def test_a_part_stops_when_the_command_that_started_it_is_gone(monkeypatch):
    exits = []
    monkeypatch.setattr("lead_runtime.parts.os._exit", exits.append)
    progress = Progress(Slot())
    progress._parent = -1  # as if the parent died and the part was adopted by another process
    await progress.advance(1)
    assert exits == [3]
