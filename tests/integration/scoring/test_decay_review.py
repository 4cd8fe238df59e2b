"""Time passes: a marketing lead whose engagement decays below the threshold drops back, with an event."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from lead_events import topics
from lead_runtime.settings import HttpSettings
from scoring.bootstrap import make_app
from scoring.settings import Settings

from tests.builders import a_contact, a_recorded
from tests.kafka_tools import eventually, produce, read_all

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_quiet_marketing_lead_decays_back_to_prospect(fresh_database, kafka_settings):
    clock = MovableClock()
    settings = Settings(
        database=await fresh_database("scoring"), kafka=kafka_settings, http=HttpSettings(port=0),
        config_dir=ROOT / "config", review_interval_seconds=0.2,
    )
    app = make_app(settings, clock=clock)
    contact = a_contact(job_title="Sachbearbeiter", company={"name": "Handel GmbH", "employees": 850, "industry": "retail", "country": "DE"})  # fit 25
    webinar = a_recorded("webinar_attended", contact)
    paper = a_recorded("whitepaper_downloaded", contact)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as client:
            await produce(kafka_settings, topics.TOUCHPOINTS, webinar, paper)

            async def stage() -> str | None:
                answer = await client.get(f"/v1/leads/{webinar.lead_id}")
                return answer.json()["stage"] if answer.status_code == 200 else None

            assert await eventually(lambda: _is(stage, "marketing_lead"))
            lead = (await client.get(f"/v1/leads/{webinar.lead_id}")).json()
            assert lead["decays_below_threshold_at"] is not None
            clock.now += timedelta(days=29)  # still above 40: 25 + 30 * 0.5^(29/30)
            clock.now += timedelta(days=2)   # now 25 + 14.5 < 40
            assert await eventually(lambda: _is(stage, "prospect"))

    changes = [e for e in await read_all(kafka_settings, topics.LEAD_LIFECYCLE) if e.lead_id == webinar.lead_id]
    assert [(c.data.from_stage, c.data.to_stage) for c in changes] == [(None, "marketing_lead"), ("marketing_lead", "prospect")]
    assert changes[-1].data.reason.startswith("Engagement decayed")


async def _is(stage, wanted: str) -> bool:
    return await stage() == wanted
