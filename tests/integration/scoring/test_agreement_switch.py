"""A new agreement version: evaluated in shadow (nothing emitted), then switched on by command."""

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml
from lead_events import topics
from lead_runtime.config import load_model
from lead_runtime.settings import HttpSettings
from scoring.agreement_cmd import shadow
from scoring.bootstrap import make_app
from scoring.domain.policy import ScoringPolicy
from scoring.settings import Settings
from scoring.switching import apply_switch

from tests.builders import a_contact, a_recorded
from tests.kafka_tools import eventually, produce, read_all

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def candidate(tmp_path: Path) -> ScoringPolicy:
    doc = yaml.safe_load((ROOT / "config/agreement.yaml").read_text())
    doc["version"] = "test-next"
    doc["thresholds"]["sales_ready"] = 85
    path = tmp_path / "agreement-next.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return load_model(path, ScoringPolicy)


async def test_shadow_reports_without_emitting_then_switch_applies(fresh_database, kafka_settings, tmp_path):
    settings = Settings(database=await fresh_database("scoring"), kafka=kafka_settings,
                        http=HttpSettings(port=0), config_dir=ROOT / "config")
    app = make_app(settings)
    ready_soon = a_contact()                                   # fit 60 + webinar 20 + 2 questions 10 = 90
    staying = a_contact(job_title="Sachbearbeiter")            # fit 40 + webinar 20 = 60
    first, second = a_recorded("webinar_attended", ready_soon, questions_asked=2), a_recorded("webinar_attended", staying)
    policy = candidate(tmp_path)
    async with app.router.lifespan_context(app):
        rt = app.state.runtime
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as client:
            await produce(kafka_settings, topics.TOUCHPOINTS, first, second)
            await eventually(lambda: _stage_is(client, first.lead_id, "marketing_lead"))
            await eventually(lambda: _stage_is(client, second.lead_id, "marketing_lead"))
            before = await _lifecycle(kafka_settings, first.lead_id)

            active = load_model(ROOT / "config/agreement.yaml", ScoringPolicy)
            report = await shadow(policy, settings.database, datetime.now(UTC), active)
            assert report["leads"] == 2 and report["touchpoints"] == 2
            became = report["changes"]["would become sales-ready"]
            assert [l["lead_id"] for l in became["leads"]] == [first.lead_id]
            assert await _stage_is(client, first.lead_id, "marketing_lead")  # shadow changed nothing
            assert await _lifecycle(kafka_settings, first.lead_id) == before  # and emitted nothing
            split = await shadow(policy, settings.database, datetime.now(UTC), active, workers=3)  # a part is empty
            assert (split["leads"], split["touchpoints"], split["changes"]) == (2, 2, report["changes"])

            assert await apply_switch(policy, "test", settings.database, datetime.now(UTC), workers=2,
                                      settle_seconds=0) == 1
            rt.relay.wake()
            await eventually(lambda: _stage_is(client, first.lead_id, "sales_ready"))
            assert await eventually(lambda: _version_is(client, "test-next"))  # the service follows the switch
            changes = await eventually(lambda: _lifecycle(kafka_settings, first.lead_id, at_least=len(before) + 1))
            assert changes[-1].data.reason.startswith("Agreement test-next switched on")
            assert changes[-1].data.episode == 1
            assert await _stage_is(client, second.lead_id, "marketing_lead")
            # run again (as after an interruption): what was rebuilt stays, nothing is emitted twice
            assert await apply_switch(policy, "test", settings.database, datetime.now(UTC), activate=False) == 0
            assert await _stage_is(client, first.lead_id, "sales_ready")


async def _stage_is(client, lead_id, stage):
    answer = await client.get(f"/v1/leads/{lead_id}")
    return answer.json() if answer.status_code == 200 and answer.json()["stage"] == stage else None


async def _version_is(client, version):
    return (await client.get("/v1/agreement")).json()["active_version"] == version


async def _lifecycle(kafka, lead_id, at_least=0):
    found = [e for e in await read_all(kafka, topics.LEAD_LIFECYCLE, timeout=1.5) if e.lead_id == lead_id]
    return found if len(found) >= at_least else None
