"""One touchpoint followed through every service's JSON log by its correlation_id: accepted by
ingest, handled by scoring (which emits the stage change), nurture, handoff (which emits the
handoff and pushes it to the CRM) and reporting. Each step names the event ids it emitted, and the
next service logs handling exactly those."""

import json

import httpx
import pytest

from tests.builders import a_contact, a_touchpoint
from tests.kafka_tools import eventually

pytestmark = pytest.mark.e2e


def trail(stack, correlation_id: str) -> dict[str, list[dict]]:
    """Each service's log lines for one correlation id, parsed; lines that are not JSON are a defect."""
    found = {}
    for name, process in stack.services.items():
        lines = process.log_path.read_text(errors="replace").splitlines()
        docs = [json.loads(line) for line in lines if line.strip()]
        found[name] = [d for d in docs if d.get("correlation_id") == correlation_id]
    return found


def handled(lines: list[dict], event_type: str) -> list[dict]:
    return [line for line in lines if line["msg"] == "handled" and line["event_type"] == event_type]


def emitted(lines: list[dict], event_type: str) -> set[str]:
    return {e["event_id"] for line in lines for e in line.get("emitted", []) if e["event_type"] == event_type}


async def test_one_touchpoint_can_be_followed_through_every_service_by_its_correlation_id(stack):
    contact = a_contact()
    async with httpx.AsyncClient(timeout=15) as client:
        webinar = a_touchpoint("webinar_attended", contact, questions_asked=2, webinar_id="w-trail")
        assert (await client.post(f"{stack.url('ingest')}/v1/touchpoints", json=webinar)).status_code == 202
        tender = a_touchpoint("tender_document_downloaded", contact)
        answer = await client.post(f"{stack.url('ingest')}/v1/touchpoints", json=tender)
    assert answer.status_code == 202, answer.text
    [touchpoint_id] = answer.json()["event_ids"]  # a touchpoint's event id starts its correlation chain

    async def complete():
        found = trail(stack, touchpoint_id)
        pushed = [l for l in found["handoff"] if l["msg"] == "CRM push attempt" and l["result"] == "delivered"]
        return found if pushed and handled(found["reporting"], "lead.handed_off") else None

    found = await eventually(complete, timeout=60)

    [accepted] = [l for l in found["ingest"] if l["msg"] == "accepted"]
    assert accepted["event_id"] == touchpoint_id and accepted["type"] == "tender_document_downloaded"

    [scored] = handled(found["scoring"], "touchpoint.recorded")
    assert scored["event_id"] == touchpoint_id
    stage_changes = emitted(found["scoring"], "lead.stage_changed")
    assert stage_changes, scored

    handoff_saw = handled(found["handoff"], "lead.stage_changed")
    assert {l["event_id"] for l in handoff_saw} & stage_changes  # the very event scoring emitted
    handed_off = emitted(found["handoff"], "lead.handed_off")
    assert handed_off

    assert handled(found["nurture"], "touchpoint.recorded")[0]["event_id"] == touchpoint_id
    assert {l["event_id"] for l in handled(found["nurture"], "lead.stage_changed")} & stage_changes
    assert {l["event_id"] for l in handled(found["reporting"], "lead.handed_off")} == handed_off

    for name, lines in found.items():
        assert all(l["service"] == name for l in lines), name
