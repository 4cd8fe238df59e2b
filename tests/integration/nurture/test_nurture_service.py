"""Nurture through the real runtime: lifecycle events and touchpoints in over Kafka,
steps out on `nurture.steps`, the state visible over HTTP."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from lead_events import (
    Consent, Contact, LeadSnapshot, LeadStageChanged, StageChangeData, TouchpointData,
    TouchpointRecorded, lead_id_for, topics,
)
from lead_runtime.settings import HttpSettings
from nurture.bootstrap import make_app
from nurture.settings import Settings

from tests.kafka_tools import eventually, produce, read_all

from .config import agreement_dir

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


class MovableClock:
    """Real time plus an offset the test can push forward (frequency limits span days)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def nurture(fresh_database, kafka_settings, clock, tmp_path):
    settings = Settings(
        database=await fresh_database("nurture"), kafka=kafka_settings, http=HttpSettings(port=0),
        config_dir=agreement_dir(tmp_path), due_check_seconds=0.3,
    )
    app = make_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://nurture") as client:
            yield client


def an_email() -> str:
    return f"anna.schmidt.{uuid.uuid4().hex[:8]}@example-industrie.de"


def a_stage_change(email: str, to_stage: str = "marketing_lead", persona: str = "purchasing") -> LeadStageChanged:
    return LeadStageChanged.new(
        lead_id=lead_id_for(email),
        data=StageChangeData(
            from_stage="prospect", to_stage=to_stage, reason="Fit A, engagement over the threshold.",
            changed_by="scoring",
            snapshot=LeadSnapshot(email=email, persona=persona, consent=Consent(email_marketing=True)),
        ),
    )


def a_download(email: str, content_id: str) -> TouchpointRecorded:
    return TouchpointRecorded.new(
        lead_id=lead_id_for(email),
        data=TouchpointData(
            type="whitepaper_downloaded", source="website", contact=Contact(email=email),
            properties={"content_id": content_id},
        ),
    )


async def steps_on_topic(kafka, lead_id: str, count: int = 1):
    found = [e for e in await read_all(kafka, topics.NURTURE_STEPS) if getattr(e, "lead_id", None) == lead_id]
    return found if len(found) >= count else None


async def nurture_view(client: httpx.AsyncClient, lead_id: str) -> dict:
    response = await client.get(f"/v1/leads/{lead_id}/nurture")
    assert response.status_code == 200, response.text
    return response.json()


async def test_marketing_lead_gets_a_step_once_even_if_the_event_comes_twice(nurture, kafka_settings):
    email = an_email()
    lead_id = lead_id_for(email)
    changed = a_stage_change(email)
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, changed)

    [step] = await eventually(lambda: steps_on_topic(kafka_settings, lead_id))
    assert step.event_type == "nurture.step_triggered"
    assert step.data.content_id == "tt-ausschreibungsvorlage"
    assert step.data.track == "marketing_lead.purchasing"
    assert step.data.email == email
    assert (step.causation_id, step.correlation_id) == (changed.event_id, changed.correlation_id)

    view = await nurture_view(nurture, lead_id)
    assert view["track"] == "marketing_lead.purchasing"
    assert [s["content_id"] for s in view["steps"]] == ["tt-ausschreibungsvorlage"]
    assert view["steps"][0]["title"].startswith("Ausschreibungsvorlage")
    assert view["consent"]["email_marketing"] is True
    assert view["next_step"]["content_id"] == "cs-zweitlieferant-ppap"
    assert view["nothing_due"]["code"] == "awaiting_response"

    # The duplicate, then a later event on the same partition: once that one shows, the duplicate was read.
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, changed, a_stage_change(email, "sales_ready"))
    await eventually(lambda: _stage_is(nurture, lead_id, "sales_ready"))
    view = await nurture_view(nurture, lead_id)
    assert len(view["steps"]) == 1
    assert view["nothing_due"]["code"] == "handed_off"
    assert len(await steps_on_topic(kafka_settings, lead_id)) == 1


async def test_download_of_the_offered_content_advances_the_track(nurture, kafka_settings, clock):
    email = an_email()
    lead_id = lead_id_for(email)
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, a_stage_change(email, persona="production"))
    [first] = await eventually(lambda: steps_on_topic(kafka_settings, lead_id))
    assert first.data.content_id == "cs-zweitlieferant-ppap"

    clock.offset = timedelta(days=3)  # past the minimum gap between steps
    await produce(kafka_settings, topics.TOUCHPOINTS, a_download(email, first.data.content_id))
    steps = await eventually(lambda: steps_on_topic(kafka_settings, lead_id, 2))
    assert steps[1].data.content_id == "wb-oee-messen"
    assert steps[1].data.reason.startswith("The lead responded to")
    view = await nurture_view(nurture, lead_id)
    assert view["steps"][0]["answered_at"] is not None


async def test_without_a_response_the_worker_sends_the_follow_up(nurture, kafka_settings, clock):
    email = an_email()
    lead_id = lead_id_for(email)
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, a_stage_change(email, persona="management"))
    await eventually(lambda: steps_on_topic(kafka_settings, lead_id))

    clock.offset = timedelta(days=8)
    steps = await eventually(lambda: steps_on_topic(kafka_settings, lead_id, 2))
    assert steps[1].data.reason.startswith("No response to")
    assert steps[1].causation_id is None
    assert steps[1].correlation_id == steps[0].correlation_id


async def test_unknown_lead_is_a_problem_document(nurture):
    response = await nurture.get("/v1/leads/no-such-lead/nurture")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "no-such-lead" in response.json()["detail"]


async def _stage_is(client: httpx.AsyncClient, lead_id: str, stage: str) -> bool:
    return (await nurture_view(client, lead_id))["stage"] == stage
