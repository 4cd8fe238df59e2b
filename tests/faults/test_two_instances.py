"""Two instances of every service on the real broker and database, one of each killed with kill -9
during a stream of a few hundred leads, so every consumer group rebalances mid-batch. Afterwards
every touchpoint is counted once, every sales-ready lead reached the CRM once, every nurture step
was sent once, reporting counted each stage once and the lag is zero. Prints a report beside the
fault drill's, with the time each group took to move the dead member's partitions and the pause
the rebalance cost the survivor."""

import asyncio
import json
import time
from dataclasses import replace
from datetime import datetime

import httpx
import pytest
from lead_events import lead_id_for
from lead_runtime.topics import delete_topics

from tests.faults.conftest import build_stack, stop_all
from tests.faults.drill import Plan, post_until_accepted, settle, wait_ready_explained
from tests.e2e.conftest import quick_agreement
from tests.kafka_tools import eventually, read_all
from tests.processes import ServiceProcess, free_port
from tests.stubs.crm import CrmStub

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

HOT, COLD, PER_LEAD, BATCH = 60, 240, 3, 20
CONSUMING = ("scoring", "nurture", "handoff", "reporting")
# the twins run the consumers apart from the API, as a scaled deployment does
TWIN_MODE = {"ingest": "all", "scoring": "worker", "nurture": "worker", "handoff": "worker", "reporting": "worker"}


def twin_of(process: ServiceProcess) -> ServiceProcess:
    port = free_port()
    env = dict(process.env, **{f"{process.name.upper()}_HTTP__PORT": str(port)})
    log = process.log_path.with_name(process.log_path.stem + "-2.log")
    return replace(process, env=env, port=port, log_path=log, process=None, mode=TWIN_MODE[process.name])


@pytest.fixture(scope="module")
async def twin_stack(infra, fresh_database, tmp_path_factory):
    crm = CrmStub().start()
    stack = await build_stack(infra.kafka_bootstrap, fresh_database,
                              quick_agreement(tmp_path_factory.mktemp("config")), crm)
    twins = {name: twin_of(process) for name, process in stack.services.items()}
    everyone = [*stack.services.values(), *twins.values()]
    try:
        for process in everyone:
            process.start()
        for process in everyone:
            process.wait_ready(90)
        async def both_at_work():
            return all(owns_partitions(p) for name in CONSUMING for p in (stack.services[name], twins[name]))
        await eventually(both_at_work, timeout=60, interval=0.5)
        yield stack, twins
    finally:
        stop_all(stack)
        for twin in twins.values():
            twin.stop()
        crm.stop()
        await delete_topics(stack.kafka)


def owns_partitions(process: ServiceProcess) -> bool:
    """The process's consumer has been given partitions: the rebalance it joined is complete for
    its whole group, so a kill now interrupts a member at work, not one still joining."""
    for line in process.log_path.read_text(errors="replace").splitlines():
        if '"partitions assigned"' in line or '"partitions reassigned"' in line:
            if json.loads(line)["partitions"]:
                return True
    return False


def takeovers(process: ServiceProcess, killed_at: float) -> list[dict]:
    """The survivor's 'partitions reassigned' lines after the kill."""
    found = []
    for line in process.log_path.read_text(errors="replace").splitlines():
        if '"partitions reassigned"' not in line:
            continue
        entry = json.loads(line)
        at = datetime.fromisoformat(entry["ts"]).timestamp()
        if at >= killed_at:
            found.append({"after_s": round(at - killed_at, 1), **entry})
    return found


async def nurture_steps_once(stack, contacts: list[dict]) -> tuple[int, int, int, int]:
    """(steps on the topic, steps triggered twice, steps nurture keeps but never published, copies of
    an event: the outbox publishes at least once, a relay killed before it deleted what it sent
    leaves them to the next one, and consumers skip them by event_id)."""
    published = [e for e in await read_all(stack.kafka, "nurture.steps", timeout=3)
                 if getattr(e, "event_type", None) == "nurture.step_triggered"]
    events_per_step: dict[str, set[str]] = {}
    for e in published:
        events_per_step.setdefault(e.data.step_id, set()).add(e.event_id)
    kept = 0
    async with httpx.AsyncClient(base_url=stack.url("nurture"), timeout=10) as client:
        for c in contacts:
            answer = await client.get(f"/v1/leads/{lead_id_for(c['email'])}/nurture")
            if answer.status_code == 200:
                kept += len(answer.json()["steps"])
    doubled = sum(len(ids) - 1 for ids in events_per_step.values())
    return len(events_per_step), doubled, kept - len(events_per_step), len(published) - len(set(e.event_id for e in published))


async def test_two_instances_of_each_service_one_killed_mid_stream_lose_and_double_nothing(twin_stack, capsys):
    stack, twins = twin_stack
    plan = Plan.make(HOT, COLD, PER_LEAD, batch=BATCH)
    n = len(plan.batches)
    kill_at = {n // 6: "scoring", n // 6 + 3: "nurture", n // 6 + 6: "handoff", n // 6 + 9: "reporting",
               n // 6 + 12: "ingest"}
    killed: dict[str, float] = {}
    senders = [httpx.AsyncClient(base_url=stack.url("ingest"), timeout=15),
               httpx.AsyncClient(base_url=twins["ingest"].url, timeout=15)]
    try:
        for i, batch in enumerate(plan.batches):
            if i in kill_at:
                name = kill_at[i]
                killed[name] = time.time()
                await asyncio.to_thread(twins[name].kill)
            sender = senders[i % 2] if "ingest" not in killed else senders[0]
            await post_until_accepted(sender, batch)
            await asyncio.sleep(0.05)
    finally:
        for sender in senders:
            await sender.aclose()
    for process in stack.services.values():
        await asyncio.to_thread(wait_ready_explained, process)

    result = await settle(stack, plan, [f"kill -9 the second {name} at batch {i} of {n}" for i, name in kill_at.items()],
                          timeout=120)
    contacts = plan.hot + plan.cold

    async def steps_settled():
        found = await nurture_steps_once(stack, contacts)
        return found if found[0] and found[2] == 0 else None
    steps, doubled, unpublished, redelivered = await eventually(steps_settled, timeout=60, interval=1)
    funnel = (await httpx.AsyncClient(timeout=10).get(f"{stack.url('reporting')}/v1/reports/funnel")).json()["overall"]
    reached = funnel["reached_in_period"]

    lines = [result.render(), f"  nurture steps sent:    {steps} (triggered twice: {doubled}, kept but unsent: {unpublished},"
             f" copies redelivered by the outbox: {redelivered})",
             f"  reporting reached:     sales_ready {reached['sales_ready']} of {HOT}", "  rebalances after the kills:"]
    moved = {}
    for name in CONSUMING:
        seen = takeovers(stack.services[name], killed[name])
        moved[name] = seen
        first = seen[0] if seen else None
        lines.append(f"    {name:<10} " + (f"partitions moved to the survivor {first['after_s']} s after the kill,"
                                             f" the survivor paused {first['pause_ms']} ms" if first else "no takeover seen"))
    with capsys.disabled():
        print("\n".join(lines).replace("fault drill report", "two-instance drill report"))

    assert result.clean and result.scored == result.sent, result.render()
    assert doubled == 0 and unpublished == 0
    assert reached["sales_ready"] == HOT
    assert all(moved.values()), moved  # every group did rebalance mid-stream
