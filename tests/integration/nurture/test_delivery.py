"""The HTTP push of each step to the email system, through the real runtime against a stub
email service: retries never send a second email, and an unsubscribe cancels a queued push."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lead_events import (
    Consent, Contact, LeadSnapshot, LeadStageChanged, StageChangeData, TouchpointData, TouchpointRecorded,
    lead_id_for, topics,
)
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.settings import HttpSettings
from nurture.adapters.email_client import HttpEmailClient
from nurture.agreement import load_catalogue
from nurture.bootstrap import make_app
from nurture.delivery import EmailPush
from nurture.handlers import NurtureHandlers
from nurture.scheduler import send_due_steps
from nurture.settings import EmailSettings, Settings

from tests.kafka_tools import eventually, produce, read_all
from tests.stubs.email import EmailStub
from tests.workers import rounds_at_once

from .config import agreement_dir
from .test_restart import insert_due_leads

pytestmark = pytest.mark.integration


class MovableClock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def esp():
    with EmailStub() as stub:
        yield stub


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def nurture(fresh_database, kafka_settings, tmp_path, esp, clock):
    email = EmailSettings(url=esp.url, timeout_seconds=1.0, backoff_base_seconds=0.2, backoff_max_seconds=7200,
                          poll_interval_seconds=0.2)
    settings = Settings(
        database=await fresh_database("nurture"), kafka=kafka_settings, http=HttpSettings(port=0),
        config_dir=agreement_dir(tmp_path), due_check_seconds=0.5, email=email,
    )
    app = make_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://nurture") as client:
            yield client


def a_marketing_lead() -> LeadStageChanged:
    email = f"anna.schmidt.{uuid.uuid4().hex[:8]}@example-industrie.de"
    return LeadStageChanged.new(lead_id=lead_id_for(email), data=StageChangeData(
        from_stage="prospect", to_stage="marketing_lead", reason="Fit A", changed_by="scoring",
        snapshot=LeadSnapshot(email=email, persona="purchasing", consent=Consent(email_marketing=True)),
    ))


async def the_step(kafka, lead_id: str):
    found = [e for e in await read_all(kafka, topics.NURTURE_STEPS) if getattr(e, "lead_id", None) == lead_id]
    return found[0] if found else None


async def delivery_of(client, lead_id: str, status: str):
    steps = (await client.get(f"/v1/leads/{lead_id}/nurture")).json().get("steps", [])
    found = [s["delivery"] for s in steps if s.get("delivery")]
    # a pending push counts once an attempt is recorded, so the test sees the retry time set
    if found and found[0]["status"] == status and (status != "pending" or found[0]["attempts"]):
        return found[0]
    return None


async def test_a_500_then_a_429_with_retry_after_still_sends_one_email(nurture, kafka_settings, esp):
    esp.fail_next(1, 500)
    esp.fail_next(1, 429, retry_after=1)
    changed = a_marketing_lead()
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, changed)

    delivery = await eventually(lambda: delivery_of(nurture, changed.lead_id, "delivered"), timeout=60)
    step = await eventually(lambda: the_step(kafka_settings, changed.lead_id))
    assert delivery["attempts"] == 3
    assert [r.status for r in esp.requests_for(step.data.step_id)] == [500, 429, 202]
    assert list(esp.sent) == [step.data.step_id]
    body = esp.sent[step.data.step_id]
    assert (body["content_id"], body["email"], body["event_id"]) == (
        "tt-ausschreibungsvorlage", changed.data.snapshot.email, step.event_id)


async def test_a_push_that_times_out_after_sending_is_retried_without_a_second_email(nurture, kafka_settings, esp):
    esp.hang_next(1, seconds=5, store_first=True)
    changed = a_marketing_lead()
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, changed)

    delivery = await eventually(lambda: delivery_of(nurture, changed.lead_id, "delivered"), timeout=60)
    step = await eventually(lambda: the_step(kafka_settings, changed.lead_id))
    assert delivery["attempts"] == 2
    assert len(esp.requests_for(step.data.step_id)) == 2  # same Idempotency-Key both times
    assert list(esp.sent) == [step.data.step_id]


async def test_an_unsubscribe_cancels_a_queued_push(nurture, kafka_settings, esp, clock):
    esp.fail_next(1, 503, retry_after=3600)  # parks the push for an hour of the service's clock
    changed = a_marketing_lead()
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, changed)
    step = await eventually(lambda: the_step(kafka_settings, changed.lead_id))
    parked = await eventually(lambda: delivery_of(nurture, changed.lead_id, "pending"), timeout=60)
    assert (parked["attempts"], parked["last_status_code"]) == (1, 503)

    email = changed.data.snapshot.email
    await produce(kafka_settings, topics.TOUCHPOINTS, TouchpointRecorded.new(
        lead_id=changed.lead_id, occurred_at=datetime.now(UTC),
        data=TouchpointData(type="unsubscribed", source="email", contact=Contact(email=email)),
    ))

    async def unsubscribed():
        view = (await nurture.get(f"/v1/leads/{changed.lead_id}/nurture")).json()
        return view["consent"]["unsubscribed_at"] is not None

    await eventually(unsubscribed, timeout=60)
    clock.offset = timedelta(hours=2)  # the retry is due now
    delivery = await eventually(lambda: delivery_of(nurture, changed.lead_id, "cancelled"), timeout=60)
    assert delivery["attempts"] == 1
    assert esp.sent == {}
    assert len(esp.requests_for(step.data.step_id)) == 1


async def test_two_pushers_at_once_send_each_step_once(fresh_database, tmp_path, esp):
    """Two nurture workers (`serve worker` scaled past one) claim queued pushes through SKIP LOCKED and a lease."""
    database = await fresh_database("nurture")
    await insert_due_leads(database.url.get_secret_value().replace("postgresql+asyncpg://", "postgresql://"), 12)
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    handlers = NurtureHandlers(load_catalogue(agreement_dir(tmp_path)), push=True)
    try:
        assert await send_due_steps(sessions, handlers) == (12, 12)  # each step queued for a push
        settings = EmailSettings(url=esp.url, batch_size=3)
        async with httpx.AsyncClient() as client:
            pushers = [EmailPush(sessions, HttpEmailClient(client, esp.url, 2.0), settings, handlers) for _ in range(2)]
            pushed = await rounds_at_once(*(p.push_due for p in pushers))
    finally:
        await engine.dispose()
    assert pushed == 12
    assert len(esp.requests) == 12 and len({r.key for r in esp.requests}) == 12
