"""Fault drill: during one stream of touchpoints, each service in turn is killed with kill -9,
scoring and handoff are stopped with SIGTERM (graceful shutdown), and the CRM hangs. After
recovery every touchpoint is counted exactly once, every sales-ready lead reached the CRM
exactly once and the consumer lag is back to zero. Prints a report."""

import asyncio
import signal
import subprocess
import sys

import httpx
import pytest

from tests.kafka_tools import eventually
from tests.faults.drill import Plan, post_until_accepted, settle, wait_ready_explained

pytestmark = [pytest.mark.faults, pytest.mark.e2e]  # e2e too: `make test-fast` skips them

HOT, COLD, PER_LEAD = 12, 12, 6


def kill_and_restart(stack, name: str) -> str:
    stack.services[name].kill()  # no shutdown hooks, no final commit
    stack.services[name].start()
    return f"kill -9 {name}"


def stopped_lines(process) -> int:
    return sum(1 for line in process.log_lines() if line.get("msg") == "stopped")


def terminate_and_restart(stack, name: str) -> str:
    """SIGTERM: the current batch finishes and commits, the outbox drains, the process exits."""
    process = stack.services[name]
    process.wait_ready(90)  # up and consuming: a SIGTERM during imports would only test Python's default
    before = stopped_lines(process)
    process.stop()  # SIGTERM; kill -9 only if it does not exit within 30 s
    graceful = stopped_lines(process) > before
    process.start()
    assert graceful, f"{name} did not shut down gracefully on SIGTERM:\n{process.tail()}"
    return f"SIGTERM {name} (shut down gracefully)"


async def test_every_touchpoint_counted_once_and_every_handoff_delivered_once_through_faults(drill_stack, capsys):
    stack = drill_stack
    plan = Plan.make(HOT, COLD, PER_LEAD)
    n = len(plan.batches)
    faults_at = {
        1: lambda: (stack.crm.hang_next(3, seconds=4), "CRM hangs on the next 3 pushes")[1],
        2: lambda: kill_and_restart(stack, "ingest"),
        4: lambda: kill_and_restart(stack, "scoring"),
        6: lambda: kill_and_restart(stack, "nurture"),
        8: lambda: kill_and_restart(stack, "handoff"),
        10: lambda: kill_and_restart(stack, "reporting"),
        n // 2 + 4: lambda: terminate_and_restart(stack, "scoring"),
        n - 3: lambda: terminate_and_restart(stack, "handoff"),
    }
    done: list[str] = []
    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=15) as client:
        for i, batch in enumerate(plan.batches):
            if i in faults_at:
                done.append(await asyncio.to_thread(faults_at[i]))
            await post_until_accepted(client, batch)
            await asyncio.sleep(0.1)
    for process in stack.services.values():
        await asyncio.to_thread(wait_ready_explained, process)

    result = await settle(stack, plan, done, timeout=120)
    hung = sum(1 for r in stack.crm.requests if r.status is None)
    result.faults.append(f"CRM hung on {hung} pushes (handoff retried with the same idempotency key)")
    with capsys.disabled():
        print(result.render())
    assert result.duplicates == 0 and result.losses == 0, result.render()
    assert result.scored == result.sent
    assert result.crm_duplicates == 0 and result.crm_losses == 0 and result.crm_unexpected == 0, result.render()
    assert result.lag == 0, result.render()
    assert hung == 3, result.render()
    await the_services_report_zero_lag(stack)


async def the_services_report_zero_lag(stack) -> None:
    """What operators see: each consumer exports its group's lag (0 now) and says it is ready."""
    async with httpx.AsyncClient(timeout=10) as client:
        for name in ("scoring", "nurture", "handoff", "reporting"):
            group = stack.kafka.topic(name)

            async def caught_up():
                text = (await client.get(f"{stack.url(name)}/metrics")).text
                lags = [line for line in text.splitlines()
                        if line.startswith("kafka_consumergroup_lag{") and f'consumergroup="{group}"' in line]
                return lags if lags and all(line.endswith(" 0.0") for line in lags) else None

            await eventually(caught_up, timeout=30)
            ready = (await client.get(f"{stack.url(name)}/readyz")).json()
            assert ready["ready"] and ready["consumer_groups"] == {group: "OK"}, ready


async def test_lag_command_shows_a_stopped_consumer_as_stalled_and_ok_again_after(drill_stack):
    """SIGSTOP scoring (alive, holding its partitions, consuming nothing) while touchpoints keep
    coming: the lag command says STALL and exits 2; after SIGCONT it catches up and says OK."""
    stack = drill_stack
    scoring = stack.services["scoring"]
    group = stack.kafka.topic("scoring")
    plan = Plan.make(hot=0, cold=6, per_lead=2, batch=4)
    lag_command = [sys.executable, "-m", "lead_runtime.lag", "--bootstrap", stack.kafka.bootstrap_servers,
                   "--group", group, "--samples", "3", "--interval", "3"]
    scoring.process.send_signal(signal.SIGSTOP)
    try:
        async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=15) as client:
            await post_until_accepted(client, plan.batches[0])
            feeding = asyncio.create_task(_feed(client, plan.batches[1:]))
            stalled = await asyncio.to_thread(subprocess.run, lag_command, capture_output=True, text=True, timeout=60)
            await feeding
    finally:
        scoring.process.send_signal(signal.SIGCONT)
    assert stalled.returncode == 2, stalled.stdout + stalled.stderr
    assert f"group {group}: STALL" in stalled.stdout

    async def caught_up():
        done = await asyncio.to_thread(subprocess.run, lag_command[:-4] + ["--samples", "2", "--interval", "1"],
                                       capture_output=True, text=True, timeout=60)
        return done if done.returncode == 0 and f"group {group}: OK, total lag 0" in done.stdout else None

    await eventually(caught_up, timeout=60, interval=1)


async def _feed(client: httpx.AsyncClient, batches: list[list[dict]]) -> None:
    for batch in batches:
        await asyncio.sleep(1)
        await post_until_accepted(client, batch)
