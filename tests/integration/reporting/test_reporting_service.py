"""Reporting's read model fed from the real topics; the API, CSV and dashboard show the same figures."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from lead_events import (
    CrmFeedbackReceived, FeedbackData, HandoffData, LeadHandedOff, LeadSnapshot, LeadStageChanged,
    StageChangeData, topics,
)
from lead_runtime.settings import HttpSettings
from reporting.bootstrap import make_app
from reporting.settings import Settings

from tests.builders import a_contact, a_recorded
from tests.kafka_tools import eventually, produce

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def change(lead_id, from_stage, to_stage, by="scoring", reason="r"):
    return LeadStageChanged.new(lead_id=lead_id, data=StageChangeData(
        from_stage=from_stage, to_stage=to_stage, reason=reason, changed_by=by,
        snapshot=LeadSnapshot(persona="purchasing")))


async def test_figures_follow_the_events(fresh_database, kafka_settings):
    settings = Settings(database=await fresh_database("reporting"), kafka=kafka_settings, http=HttpSettings(port=0))
    app = make_app(settings)
    tp = a_recorded("webinar_attended", a_contact(), webinar_id="wb-1", campaign="herbst")
    lead = tp.lead_id
    now = datetime.now(UTC)
    handed = LeadHandedOff.new(lead_id=lead, data=HandoffData(
        handoff_id="h1", episode=1, lead=LeadSnapshot(), reason="r",
        sla_first_contact_due=now + timedelta(minutes=30), sla_hard_limit=now + timedelta(hours=24)))
    feedback = CrmFeedbackReceived.new(lead_id=lead, data=FeedbackData(outcome="rejected", reason="not_ready", at=now, handoff_id="h1"))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://r") as client:
            await produce(kafka_settings, topics.TOUCHPOINTS, tp)
            await produce(kafka_settings, topics.LEAD_LIFECYCLE, change(lead, None, "marketing_lead"),
                          change(lead, "marketing_lead", "sales_ready"),
                          change(lead, "sales_ready", "recycled", "handoff", "not_ready"),
                          change("other", None, "disqualified", reason="Disqualified: competitor: x"))
            await produce(kafka_settings, topics.HANDOFF_LEADS, handed)
            await produce(kafka_settings, topics.CRM_FEEDBACK, feedback)

            async def settled():
                f = (await client.get("/v1/reports/funnel")).json()["overall"]
                s = (await client.get("/v1/reports/sla")).json()["overall"]
                return (f, s) if f["recycled"]["count"] == 1 and f["disqualified"]["count"] == 1 and s["within_first_contact"] == 1 else None

            funnel, sla = await eventually(settled)
            assert funnel["reached_in_period"]["sales_ready"] == 1
            assert funnel["recycled"]["reasons"] == {"not_ready": 1}
            assert funnel["disqualified"]["reasons"] == {"competitor": 1}
            assert sla["first_contact_rate"] == 1.0

            by_campaign = (await client.get("/v1/reports/funnel", params={"by": "campaign"})).json()["groups"]
            assert by_campaign["herbst"]["reached_in_period"]["sales_ready"] == 1
            attribution = (await client.get("/v1/reports/attribution")).json()
            assert attribution["items"][0]["item"] == "wb-1"

            plain = await client.get("/v1/reports/funnel", params={"format": "csv"})
            assert plain.headers["content-type"] == "text/csv; charset=utf-8"
            assert plain.headers["content-disposition"] == 'attachment; filename="funnel.csv"'
            csv = plain.text.splitlines()
            assert csv[0].startswith("group,stage,reason,leads_now") and any(row.startswith("(all),sales_ready,,0,1,1,1,") for row in csv)
            german = await client.get("/v1/reports/funnel", params={"format": "csv", "dialect": "excel-de"})
            assert german.content.startswith(b"\xef\xbb\xbfgroup;stage;reason;")
            rows = german.content.decode("utf-8-sig").splitlines()
            assert any(row.startswith("(all);recycled;not_ready;;;1;") for row in rows)
            assert any(row.startswith("(all);disqualified;competitor;;;1;") for row in rows)
            assert any(row.startswith("(all);lost;;0;;0;0;") for row in rows)
            for path in ("/v1/reports/sla", "/v1/reports/attribution"):
                answer = await client.get(path, params={"format": "csv", "dialect": "excel-de"})
                assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
            sla_rows = (await client.get("/v1/reports/sla", params={"format": "csv", "dialect": "excel-de"})).text
            assert ";1,0;" in sla_rows  # the first-contact rate with a decimal comma
            assert (await client.get("/v1/reports/sla", params={"format": "csv", "dialect": "excel"})).status_code == 422

            plan = await client.post("/v1/plan", json={
                "revenue_target_eur": 1_000_000, "marketing_share": 0.5, "average_deal_eur": 25_000,
                "rates": {"opportunity_to_won": 0.5, "sales_accepted_to_opportunity": 0.5,
                          "sales_ready_to_sales_accepted": 0.5, "marketing_lead_to_sales_ready": 0.5}})
            assert plan.status_code == 200 and plan.json()["needed"]["marketing_lead"]["year"]["exact"] == 320
            plan_csv = await client.post("/v1/plan", params={"format": "csv", "dialect": "excel-de"}, json={
                "revenue_target_eur": 1_000_000, "marketing_share": 0.5, "average_deal_eur": 25_000,
                "rates": {"opportunity_to_won": 0.5, "sales_accepted_to_opportunity": 0.5,
                          "sales_ready_to_sales_accepted": 0.5, "marketing_lead_to_sales_ready": 0.5}})
            assert plan_csv.text.removeprefix("\ufeff").splitlines()[1].startswith("won;20,0;20;5,0;5;0,38;1;")
            bad = await client.post("/v1/plan", json={"revenue_target_eur": 1, "marketing_share": 0.5, "average_deal_eur": 1})
            assert bad.status_code == 422 and "rates" in bad.json()["detail"]

            async def committed():  # the consumer commits its offsets once it has nothing more to fetch
                page = (await client.get("/")).text
                shown = dict(re.findall(r'data-metric="([^"]+)">([^<]*)<', page))
                return (page, shown) if shown.get("lag.reporting.lead.lifecycle") == "0" else None

            page, shown = await eventually(committed, timeout=15)
            assert shown["reached.sales_ready"] == "1"
            assert shown["reached.marketing_lead"] == str(funnel["reached_in_period"]["marketing_lead"])
            assert shown["lag.reporting.lead.lifecycle"] == "0"  # topic lag, read from the broker
            assert "<svg" in page and "http://" not in page.split("</style>")[0]
