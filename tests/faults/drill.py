"""The stream of touchpoints a fault drill sends, and the reckoning afterwards: every touchpoint
counted once by scoring, every sales-ready lead in the CRM once, the consumer lag back to zero."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from lead_events import lead_id_for
from lead_runtime.offsets import read_once

from tests.builders import a_contact, a_touchpoint
from tests.e2e.conftest import Stack

CONSUMERS = {"scoring": ["touchpoints", "lead.lifecycle"], "nurture": ["lead.lifecycle", "touchpoints"],
             "handoff": ["lead.lifecycle", "crm.feedback"],
             "reporting": ["lead.lifecycle", "touchpoints", "handoff.leads", "crm.feedback"]}


@dataclass
class Plan:
    hot: list[dict]  # good fit + contact request: sales-ready at once, handed off once
    cold: list[dict]  # poor fit, a few clicks: never handed off
    per_lead: int
    batches: list[list[dict]] = field(default_factory=list)

    @classmethod
    def make(cls, hot: int, cold: int, per_lead: int, batch: int = 8) -> "Plan":
        plan = cls([a_contact() for _ in range(hot)],
                   [a_contact(job_title="Sachbearbeiter", industry="retail") for _ in range(cold)], per_lead)
        bodies = []
        for round_ in range(per_lead):
            for c in plan.hot:
                bodies.append(a_touchpoint("contact_requested" if round_ == 1 else "email_clicked", c))
            for c in plan.cold:
                bodies.append(a_touchpoint("email_clicked", c))
        plan.batches = [bodies[i : i + batch] for i in range(0, len(bodies), batch)]
        return plan

    @property
    def sent(self) -> int:
        return sum(len(b) for b in self.batches)


async def post_until_accepted(client: httpx.AsyncClient, batch: list[dict], deadline_s: float = 90) -> int:
    """A sender that retries with the same event ids until ingest answers 202 (as real senders do)."""
    deadline = time.monotonic() + deadline_s
    attempts = 0
    while True:
        attempts += 1
        try:
            answer = await client.post("/v1/touchpoints", json={"touchpoints": batch})
            if answer.status_code == 202:
                return attempts
            if answer.status_code < 500:
                raise AssertionError(f"ingest refused a valid batch: {answer.status_code} {answer.text}")
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"ingest did not accept a batch within {deadline_s}s")
        await asyncio.sleep(0.3)


def wait_ready_explained(process, timeout: float = 90) -> None:
    """wait_ready, and on failure say which readiness check is failing."""
    try:
        process.wait_ready(timeout)
    except TimeoutError as exc:
        try:
            body = httpx.get(f"{process.url}/readyz", timeout=5).text
        except httpx.HTTPError as http_error:
            body = repr(http_error)
        raise AssertionError(f"{process.name} not ready after {timeout}s: /readyz says {body}") from exc


async def scored_counts(stack: Stack, contacts: list[dict]) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=stack.url("scoring"), timeout=10) as client:
        counts = {}
        for c in contacts:
            answer = await client.get(f"/v1/leads/{lead_id_for(c['email'])}")
            counts[c["email"]] = answer.json()["touchpoints"] if answer.status_code == 200 else 0
        return counts


def crm_arrivals(stack: Stack) -> Counter:
    """lead_id -> how many distinct handoffs (idempotency keys) the CRM created for it."""
    return Counter(body.get("lead_id") for body in list(stack.crm.leads.values()))


async def total_lag(stack: Stack) -> int:
    kafka = stack.kafka
    total = 0
    for group, topics in CONSUMERS.items():
        rows = await read_once(kafka.bootstrap_servers, kafka.topic(group), [kafka.topic(t) for t in topics])
        total += sum(r.lag for r in rows)
    return total


@dataclass
class Reckoning:
    sent: int
    scored: int
    duplicates: int
    losses: int
    handed_off: int
    expected_handoffs: int
    crm_duplicates: int
    crm_losses: int
    crm_unexpected: int
    lag: int
    faults: list[str]

    def render(self) -> str:
        lines = ["", "=== fault drill report ===", *[f"  fault: {f}" for f in self.faults],
                 f"  touchpoints sent:      {self.sent}", f"  touchpoints scored:    {self.scored}",
                 f"  duplicates:            {self.duplicates}", f"  losses:                {self.losses}",
                 f"  handed off (CRM):      {self.handed_off} of {self.expected_handoffs} sales-ready leads",
                 f"  CRM duplicates:        {self.crm_duplicates}", f"  CRM losses:            {self.crm_losses}",
                 f"  CRM unexpected leads:  {self.crm_unexpected}", f"  consumer lag at end:   {self.lag}"]
        return "\n".join(lines)

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.losses or self.crm_duplicates or self.crm_losses
                    or self.crm_unexpected or self.lag)


async def reckon(stack: Stack, plan: Plan, faults: list[str]) -> Reckoning:
    counts = await scored_counts(stack, plan.hot + plan.cold)
    arrivals = crm_arrivals(stack)
    hot = {lead_id_for(c["email"]) for c in plan.hot}
    return Reckoning(
        sent=plan.sent,
        scored=sum(counts.values()),
        duplicates=sum(max(n - plan.per_lead, 0) for n in counts.values()),
        losses=sum(max(plan.per_lead - n, 0) for n in counts.values()),
        handed_off=sum(1 for lead in hot if arrivals[lead]),
        expected_handoffs=len(hot),
        crm_duplicates=sum(n - 1 for lead, n in arrivals.items() if n > 1),
        crm_losses=sum(1 for lead in hot if not arrivals[lead]),
        crm_unexpected=sum(1 for lead in arrivals if lead not in hot),
        lag=await total_lag(stack),
        faults=faults,
    )


async def settle(stack: Stack, plan: Plan, faults: list[str], timeout: float = 90) -> Reckoning:
    """Waits (bounded) until the books balance, and returns the last reckoning either way."""
    deadline = time.monotonic() + timeout
    while True:
        result = await reckon(stack, plan, faults)
        if result.clean or time.monotonic() > deadline:
            return result
        await asyncio.sleep(1)
