"""Erasure end to end: after `POST /v1/privacy/erasure` the email is in no table, no API answer,
and no message any service writes afterwards."""

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from lead_events import lead_id_for, topics

from tests.builders import a_contact, a_touchpoint
from tests.kafka_tools import eventually
from tests.privacy_check import columns_mentioning

pytestmark = pytest.mark.e2e
CONSUMERS = ("scoring", "nurture", "handoff", "reporting")


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.get(url)


async def _post(url: str, body: dict) -> httpx.Response:
    async with httpx.AsyncClient(timeout=15) as client:
        return await client.post(url, json=body)


async def _positions(kafka) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        names = [kafka.topic(t) for t in topics.ALL_TOPICS]
        partitions = [TopicPartition(n, p) for n in names for p in (consumer.partitions_for_topic(n) or ())]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [TopicPartition(n, p) for n in names for p in (consumer.partitions_for_topic(n) or ())]
        return await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


async def _written_since(kafka, since: dict[TopicPartition, int]) -> list[bytes]:
    """Every message value written to any of the stack's topics after `since`."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(list(since))
        pending = [tp for tp in since if ends[tp] > since[tp]]
        consumer.assign(pending)
        for tp in pending:
            consumer.seek(tp, since[tp])
        values: list[bytes] = []
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            values += [r.value or b"" for records in batch.values() for r in records]
            pending = [tp for tp in pending if await consumer.position(tp) < ends[tp]]
        return values
    finally:
        await consumer.stop()


async def test_an_erased_person_is_in_no_table_api_answer_or_later_message(stack):
    contact = a_contact()
    email, lead_id = contact["email"], lead_id_for(contact["email"])
    form = a_touchpoint("form_submitted", contact, message=f"Bitte an {email} schreiben")
    for body in (a_touchpoint("webinar_attended", contact, questions_asked=2), form,
                 a_touchpoint("tender_document_downloaded", contact)):
        assert (await _post(f"{stack.url('ingest')}/v1/touchpoints", body)).status_code == 202

    async def delivered():
        found = (await _get(f"{stack.url('handoff')}/v1/handoffs/{lead_id}")).json()
        return found.get("handoffs") and found["handoffs"][0]["delivery"]["status"] == "delivered"

    await eventually(delivered)
    assert all([await columns_mentioning(stack.databases[s], email) for s in ("scoring", "handoff")])

    before = await _positions(stack.kafka)
    answer = await _post(f"{stack.url('ingest')}/v1/privacy/erasure", {"email": email.upper()})
    assert answer.status_code == 202, answer.text
    erasure_id = answer.json()["erasure_id"]
    assert answer.json()["lead_id"] == lead_id and email not in answer.text

    async def honoured_everywhere():
        return all([await columns_mentioning(stack.databases[s], erasure_id) for s in CONSUMERS])

    await eventually(honoured_everywhere)
    # sales answer after the erasure: handoff, scoring and nurture all act and write events again
    feedback = await _post(f"{stack.url('handoff')}/v1/crm/feedback",
                           {"lead_id": lead_id, "outcome": "rejected", "reason": "not_ready", "rep_id": "rep-7"})
    assert feedback.status_code == 200, feedback.text

    async def recycled():
        return (await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")).json().get("stage") == "recycled"

    await eventually(recycled)
    for service, url in stack.databases.items():
        assert await columns_mentioning(url, email) == [], service
    answers = [
        await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}"),
        await _get(f"{stack.url('scoring')}/v1/leads?email={email}"),
        await _get(f"{stack.url('nurture')}/v1/leads/{lead_id}/nurture"),
        await _get(f"{stack.url('handoff')}/v1/handoffs/{lead_id}"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert all(email not in a.text.lower() and "schmidt" not in a.text.lower() for a in answers)
    written = await _written_since(stack.kafka, before)
    assert any(b"lead.stage_changed" in v for v in written)  # the check below saw the later events
    assert not [v for v in written if email.encode() in v.lower()]


def _skipped_as_erased(stack, event_id: str) -> list[str]:
    """The consumers that logged skipping `event_id` because its person was erased."""
    marker = "skipped: the person asked to be erased after this happened"
    return [name for name in CONSUMERS
            if any(line.get("msg") == marker and line.get("event_id") == event_id
                   for line in stack.services[name].log_lines())]


async def test_a_touchpoint_from_before_the_erasure_arriving_late_brings_no_one_back(stack):
    """An import of old data or a lagging sender: the touchpoint happened before the request, so
    ingest publishes it without the person and no service applies it; one that happens after the
    request is new, and applies."""
    contact = a_contact()
    email, lead_id = contact["email"], lead_id_for(contact["email"])
    first = a_touchpoint("webinar_attended", contact)
    assert (await _post(f"{stack.url('ingest')}/v1/touchpoints", first)).status_code == 202

    async def scored():
        return (await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")).status_code == 200

    await eventually(scored)
    answer = await _post(f"{stack.url('ingest')}/v1/privacy/erasure", {"email": email})
    erasure_id = answer.json()["erasure_id"]

    async def honoured_everywhere():
        return all([await columns_mentioning(stack.databases[s], erasure_id) for s in CONSUMERS])

    await eventually(honoured_everywhere)

    late = a_touchpoint("demo_requested", contact)
    late["occurred_at"] = first["occurred_at"]  # before the request
    before = await _positions(stack.kafka)
    answer = await _post(f"{stack.url('ingest')}/v1/touchpoints", late)
    assert answer.status_code == 202, answer.text
    [late_id] = answer.json()["event_ids"]

    async def skipped_everywhere():
        return _skipped_as_erased(stack, late_id) == ["scoring", "nurture", "reporting"]  # the touchpoint readers

    await eventually(skipped_everywhere)
    for service in CONSUMERS:
        assert await columns_mentioning(stack.databases[service], email) == [], service
    assert not [body for body in stack.crm.leads.values() if body.get("lead_id") == lead_id]  # no demo to sales
    written = await _written_since(stack.kafka, before)
    assert any(late_id.encode() in v for v in written)  # ingest published it, as a fact ...
    assert not [v for v in written if email.encode() in v.lower()]  # ... without the person

    again = a_touchpoint("form_submitted", contact)  # after the request: the person is back, by choice
    assert (await _post(f"{stack.url('ingest')}/v1/touchpoints", again)).status_code == 202

    async def back():
        return email in (await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")).text

    await eventually(back)

