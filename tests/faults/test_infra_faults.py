"""Fault drill on the drills' own broker and database (never the shared ones): during one stream
of touchpoints Kafka is restarted, then PostgreSQL. After recovery every touchpoint is counted
exactly once, every sales-ready lead reached the CRM exactly once, and the lag is back to zero."""

import asyncio
import time

import httpx
import pytest

from tests.faults.conftest import build_stack, start_all, stop_all
from tests.faults.drill import Plan, post_until_accepted, settle, wait_ready_explained
from tests.faults.side_infra import SideInfra
from tests.e2e.conftest import quick_agreement
from tests.stubs.crm import CrmStub

pytestmark = [pytest.mark.faults, pytest.mark.e2e]  # e2e too: `make test-fast` skips them

HOT, COLD, PER_LEAD = 8, 8, 5


@pytest.fixture(scope="module")
async def side_stack(tmp_path_factory):
    side = SideInfra.on_free_ports()
    crm = CrmStub().start()
    stack = None
    try:
        await asyncio.to_thread(side.run, "kafka-up")
        await asyncio.to_thread(side.run, "pg-up")
        stack = await build_stack(side.kafka_bootstrap, side.database_for,
                                  quick_agreement(tmp_path_factory.mktemp("config")), crm)
        await asyncio.to_thread(start_all, stack)
        yield side, stack
    finally:
        if stack is not None:
            await asyncio.to_thread(stop_all, stack)
        crm.stop()
        await asyncio.to_thread(side.run, "wipe")


async def restart(side: SideInfra, what: str, down_for: float = 2.0) -> str:
    started = time.monotonic()
    await asyncio.to_thread(side.run, f"{what}-down")
    await asyncio.sleep(down_for)  # the stream goes on meanwhile: ingest refuses, senders retry
    await asyncio.to_thread(side.run, f"{what}-up")
    name = "Kafka" if what == "kafka" else "PostgreSQL"
    return f"restart {name} (unavailable about {time.monotonic() - started:.0f} s)"


async def test_touchpoints_survive_kafka_and_postgres_restarts(side_stack, capsys):
    side, stack = side_stack
    plan = Plan.make(HOT, COLD, PER_LEAD)
    n = len(plan.batches)
    restarts = {n // 3: "kafka", 2 * n // 3: "pg"}
    done: list[str] = []
    pending: asyncio.Task | None = None
    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=15) as client:
        for i, batch in enumerate(plan.batches):
            if i in restarts:
                if pending is not None:
                    done.append(await pending)
                pending = asyncio.create_task(restart(side, restarts[i]))
            try:
                await post_until_accepted(client, batch, deadline_s=120)
            except AssertionError as exc:  # say what ingest saw, so a failure in CI can be read
                raise AssertionError(f"{exc}; faults so far: {done}\n{stack.services['ingest'].tail()}") from exc
            await asyncio.sleep(0.1)
    if pending is not None:
        done.append(await pending)
    for process in stack.services.values():
        await asyncio.to_thread(wait_ready_explained, process)

    result = await settle(stack, plan, done, timeout=120)
    with capsys.disabled():
        print(result.render())
    assert len(done) == 2
    assert result.duplicates == 0 and result.losses == 0, result.render()
    assert result.crm_duplicates == 0 and result.crm_losses == 0 and result.crm_unexpected == 0, result.render()
    assert result.lag == 0, result.render()
