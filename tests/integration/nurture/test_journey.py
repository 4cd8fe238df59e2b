"""The issue's journey through the real runtime: webinar attended -> the same-topic whitepaper
after the configured wait (shortened by configuration) -> downloaded -> the deep-dive
invitation; and an unsubscribe midway stops everything."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from lead_events import (
    Consent, Contact, LeadSnapshot, LeadStageChanged, StageChangeData, TouchpointData, TouchpointRecorded,
    lead_id_for, topics,
)
from lead_runtime.settings import HttpSettings
from nurture.bootstrap import make_app
from nurture.settings import Settings

from tests.kafka_tools import eventually, produce, read_all

from .config import agreement_dir

pytestmark = pytest.mark.integration
JOURNEY = [{"id": "webinar-deep-dive", "trigger": "webinar_attended", "steps": [
    {"format": "whitepaper", "wait": "1s"},
    {"format": "event_invitation", "after": "taken_up", "wait": "0s"},
]}]


@pytest.fixture
async def nurture(fresh_database, kafka_settings, tmp_path):
    config = agreement_dir(tmp_path, journeys=JOURNEY, contact_limits={"max_steps_per_week": 14, "min_gap_hours": 0})
    settings = Settings(
        database=await fresh_database("nurture"), kafka=kafka_settings, http=HttpSettings(port=0),
        config_dir=config, due_check_seconds=0.2,
    )
    app = make_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://nurture") as client:
            yield client


def touchpoint(email: str, type: str, consent: bool | None = None, **properties) -> TouchpointRecorded:
    return TouchpointRecorded.new(
        lead_id=lead_id_for(email), occurred_at=datetime.now(UTC),
        data=TouchpointData(type=type, source="test", contact=Contact(email=email), properties=properties,
                            consent=Consent(email_marketing=consent) if consent is not None else None),
    )


def prospect(email: str, persona: str) -> LeadStageChanged:
    return LeadStageChanged.new(lead_id=lead_id_for(email), data=StageChangeData(
        from_stage=None, to_stage="prospect", reason="new lead", changed_by="scoring",
        snapshot=LeadSnapshot(email=email, persona=persona, consent=Consent(email_marketing=True)),
    ))


async def journey_steps(kafka, lead_id: str, count: int):
    found = [e.data for e in await read_all(kafka, topics.NURTURE_STEPS, timeout=3.0)
             if getattr(e, "lead_id", None) == lead_id and e.data.track.startswith("journey.")]
    return found if len(found) >= count else None


async def steps_in_view(client, lead_id: str, count: int):
    response = await client.get(f"/v1/leads/{lead_id}/nurture")
    found = [s for s in response.json().get("steps", []) if s["track"].startswith("journey.")] if response.status_code == 200 else []
    return found if len(found) >= count else None


async def test_webinar_whitepaper_download_then_deep_dive_invitation(nurture, kafka_settings):
    email = f"einkauf.{uuid.uuid4().hex[:8]}@example-industrie.de"
    lead_id = lead_id_for(email)
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, prospect(email, "purchasing"))
    await produce(kafka_settings, topics.TOUCHPOINTS,
                  touchpoint(email, "webinar_attended", webinar_id="wb-preisgleitklauseln"))

    [paper] = await eventually(lambda: journey_steps(kafka_settings, lead_id, 1), timeout=45)
    assert (paper.content_id, paper.format) == ("wp-preisgleitklauseln-praxis", "whitepaper")
    assert paper.track == "journey.webinar-deep-dive.contracts"

    await produce(kafka_settings, topics.TOUCHPOINTS,
                  touchpoint(email, "whitepaper_downloaded", content_id=paper.content_id))
    steps = await eventually(lambda: journey_steps(kafka_settings, lead_id, 2), timeout=45)
    assert steps[1].content_id == "ev-deep-dive-rahmenvertraege"
    assert steps[1].format == "event_invitation"


async def test_production_gets_other_material_and_unsubscribe_stops_the_journey(nurture, kafka_settings):
    email = f"fertigung.{uuid.uuid4().hex[:8]}@example-industrie.de"
    lead_id = lead_id_for(email)
    await produce(kafka_settings, topics.LEAD_LIFECYCLE, prospect(email, "production"))
    await produce(kafka_settings, topics.TOUCHPOINTS, touchpoint(email, "webinar_attended", webinar_id="wb-oee-messen"))
    [paper] = await eventually(lambda: steps_in_view(nurture, lead_id, 1), timeout=45)
    assert paper["content_id"] == "wp-oee-steigerung"  # production's whitepaper on OEE

    await produce(kafka_settings, topics.TOUCHPOINTS, touchpoint(email, "unsubscribed"),
                  touchpoint(email, "whitepaper_downloaded", content_id=paper["content_id"]))

    async def unsubscribed():
        view = (await nurture.get(f"/v1/leads/{lead_id}/nurture")).json()
        return view if view["nothing_due"] and view["nothing_due"]["code"] == "unsubscribed" else None

    view = await eventually(unsubscribed, timeout=45)
    assert view["next_step"] is None
    assert len(await steps_in_view(nurture, lead_id, 1)) == 1  # no invitation after the unsubscribe


async def test_a_webinar_from_years_ago_or_an_import_marked_historical_starts_no_journey(nurture, kafka_settings):
    """Beyond the agreement's horizon (history.horizon_days) a webinar counts but starts nothing:
    'one day after the webinar' means nothing for a webinar of 2016. A current one still does."""
    from datetime import timedelta

    old, imported, current = (f"{kind}.{uuid.uuid4().hex[:8]}@example-industrie.de" for kind in ("old", "imp", "now"))
    for email in (old, imported, current):
        await produce(kafka_settings, topics.LEAD_LIFECYCLE, prospect(email, "purchasing"))
    years_ago = touchpoint(old, "webinar_attended", webinar_id="wb-preisgleitklauseln")
    years_ago = years_ago.model_copy(update={"occurred_at": years_ago.recorded_at - timedelta(days=3650)})
    marked = touchpoint(imported, "webinar_attended", webinar_id="wb-preisgleitklauseln")
    marked = marked.model_copy(update={"data": marked.data.model_copy(update={"historical": True})})
    await produce(kafka_settings, topics.TOUCHPOINTS, years_ago, marked,
                  touchpoint(current, "webinar_attended", webinar_id="wb-preisgleitklauseln"))

    await eventually(lambda: journey_steps(kafka_settings, lead_id_for(current), 1), timeout=45)
    for email in (old, imported):
        view = (await nurture.get(f"/v1/leads/{lead_id_for(email)}/nurture")).json()
        assert view["journeys"] == [], view
