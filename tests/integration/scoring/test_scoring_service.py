"""Scoring against the real broker and database: touchpoints in, scores and stages out."""

from pathlib import Path

import httpx
import pytest
from lead_events import lead_id_for, topics
from lead_runtime.settings import HttpSettings
from scoring.bootstrap import make_app
from scoring.settings import Settings

from tests.builders import a_contact, a_recorded
from tests.kafka_tools import eventually, produce, read_all

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def scoring(fresh_database, kafka_settings):
    settings = Settings(
        database=await fresh_database("scoring"), kafka=kafka_settings,
        http=HttpSettings(port=0), config_dir=ROOT / "config",
    )
    app = make_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scoring") as client:
            yield client


async def _lead(client: httpx.AsyncClient, lead_id: str) -> dict | None:
    response = await client.get(f"/v1/leads/{lead_id}")
    return response.json() if response.status_code == 200 else None


async def test_purchasing_head_with_webinar_and_tender_becomes_sales_ready(scoring, kafka_settings):
    contact = a_contact()
    webinar = a_recorded("webinar_attended", contact, questions_asked=2)
    tender = a_recorded("tender_document_downloaded", contact)
    await produce(kafka_settings, topics.TOUCHPOINTS, webinar, webinar, tender, webinar)

    lead = await eventually(lambda: _ready(scoring, webinar.lead_id))
    assert lead["touchpoints"] == 2  # the webinar sent three times counts once
    assert lead["fit_grade"] == "A" and lead["persona"] == "purchasing"
    assert lead["engagement_score"] == pytest.approx(60, abs=0.1)
    explained = {line["touchpoint_id"] for line in lead["explanation"]["behaviour"]}
    assert explained == {webinar.event_id, tender.event_id}
    # read back, the lead still tells sales which of its signals the agreement calls strong
    strong = {(line["rule"], line["touchpoint_id"]) for line in lead["explanation"]["strong_signals"]}
    assert strong >= {("behaviour.webinar_attended", webinar.event_id), ("behaviour.tender_document_downloaded", tender.event_id)}
    assert all(line["strong_signal"] for line in lead["explanation"]["behaviour"] if line["rule"] != "behaviour.depth.questions_asked")

    stages = await eventually(lambda: _stages(kafka_settings, webinar.lead_id, 2))
    assert [(s.data.from_stage, s.data.to_stage) for s in stages] == [(None, "marketing_lead"), ("marketing_lead", "sales_ready")]
    assert stages[-1].data.episode == 1
    assert stages[-1].correlation_id == tender.correlation_id
    assert {e.touchpoint_id for e in stages[-1].data.evidence} >= {webinar.event_id, tender.event_id}


async def test_poison_message_goes_to_dlq_and_processing_goes_on(scoring, kafka_settings):
    contact = a_contact()
    good = a_recorded("contact_requested", contact)
    await produce(kafka_settings, topics.TOUCHPOINTS, raw=[b"{not json"])
    await produce(kafka_settings, topics.TOUCHPOINTS, good)

    lead = await eventually(lambda: _ready(scoring, good.lead_id))
    assert "fast lane" in lead["stage_history"][-1]["reason"]
    dead = await eventually(lambda: read_all(kafka_settings, topics.dlq(topics.TOUCHPOINTS)))
    assert dead[0].value == b"{not json"
    assert dict(dead[0].headers)["dlq.error"].startswith(b"not JSON")


async def test_competitor_enters_disqualified_and_never_as_prospect(scoring, kafka_settings):
    contact = a_contact(email="spy@competitor.example")
    await produce(kafka_settings, topics.TOUCHPOINTS, a_recorded("demo_requested", contact))
    stages = await eventually(lambda: _stages(kafka_settings, lead_id_for(contact["email"]), 1))
    assert [(s.data.from_stage, s.data.to_stage) for s in stages] == [(None, "disqualified")]
    assert "competitor" in stages[0].data.reason


async def test_lookup_by_email_and_unknown_lead(scoring, kafka_settings):
    contact = a_contact()
    await produce(kafka_settings, topics.TOUCHPOINTS, a_recorded("page_visited", contact))
    found = await eventually(lambda: _by_email(scoring, contact["email"].upper()))
    assert found["stage"] == "marketing_lead"
    missing = await scoring.get("/v1/leads/does-not-exist")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def _ready(client, lead_id):
    lead = await _lead(client, lead_id)
    return lead if lead and lead["stage"] == "sales_ready" else None


async def _by_email(client, email):
    response = await client.get("/v1/leads", params={"email": email})
    return response.json()["leads"][0] if response.status_code == 200 else None


async def _stages(kafka, lead_id, count):
    events = [e for e in await read_all(kafka, topics.LEAD_LIFECYCLE) if getattr(e, "lead_id", None) == lead_id]
    return events if len(events) >= count else None


async def test_an_older_form_arriving_late_leaves_the_newer_profile_and_its_fit(scoring, kafka_settings):
    """In order and out of order the same lead: the purchasing head of today, not the clerk of last week."""
    from datetime import timedelta

    email = a_contact()["email"]
    now_form = a_recorded("form_submitted", a_contact(email))
    week_old = a_recorded("form_submitted", a_contact(email, job_title="Sachbearbeiter",
                                                      company={"name": "Klein GmbH", "employees": 12, "industry": "retail"}))
    week_old = week_old.model_copy(update={"occurred_at": now_form.occurred_at - timedelta(days=7)})
    await produce(kafka_settings, topics.TOUCHPOINTS, now_form, week_old)  # the older one arrives last

    async def both_counted():
        lead = await _lead(scoring, now_form.lead_id)
        return lead if lead and lead["touchpoints"] == 2 else None

    lead = await eventually(both_counted)
    assert lead["persona"] == "purchasing" and lead["fit_grade"] == "A", lead


async def test_page_visits_out_of_order_end_with_the_score_in_order_delivery_gives(scoring, kafka_settings):
    """The page-visit cap (10 points per 30-day period) by event time: one lead's visits arrive in
    order, an identical lead's newest first; both end with the same engagement."""
    from datetime import timedelta

    in_order, reversed_ = a_contact(), a_contact()
    start = a_recorded("page_visited", in_order).occurred_at - timedelta(days=20)
    times = [start + timedelta(days=d, hours=h) for d in range(0, 20, 2) for h in (0, 5)]  # 20 visits

    def visits(contact):
        return [a_recorded("page_visited", contact).model_copy(update={"occurred_at": at}) for at in times]

    await produce(kafka_settings, topics.TOUCHPOINTS, *visits(in_order), *reversed(visits(reversed_)))

    async def counted(contact):
        lead = await _lead(scoring, lead_id_for(contact["email"]))
        return lead if lead and lead["touchpoints"] == len(times) else None

    first, second = await eventually(lambda: counted(in_order)), await eventually(lambda: counted(reversed_))
    assert second["engagement_score"] == pytest.approx(first["engagement_score"], abs=0.01)


async def test_a_contact_request_from_years_ago_sends_no_one_to_sales_a_current_one_does(scoring, kafka_settings):
    """Beyond the horizon a touchpoint is stored and scored, decayed, but starts no fast lane."""
    from datetime import timedelta

    old, marked, current = a_contact(), a_contact(), a_contact()
    years_ago = a_recorded("contact_requested", old)
    years_ago = years_ago.model_copy(update={"occurred_at": years_ago.recorded_at - timedelta(days=3650)})
    imported = a_recorded("contact_requested", marked)
    imported = imported.model_copy(update={"data": imported.data.model_copy(update={"historical": True})})
    await produce(kafka_settings, topics.TOUCHPOINTS, years_ago, imported, a_recorded("contact_requested", current))

    assert (await eventually(lambda: _ready(scoring, lead_id_for(current["email"]))))["stage"] == "sales_ready"
    for contact in (old, marked):
        lead = await eventually(lambda: _lead(scoring, lead_id_for(contact["email"])))
        assert lead["stage"] != "sales_ready", lead
        assert lead["touchpoints"] == 1


async def test_a_long_history_is_explained_by_rule_and_paged_line_by_line(scoring, kafka_settings):
    """Read back, a lead with many touchpoints shows its ledger grouped by rule (the same decayed
    sums as every line summed one by one), its latest strong signals, and every line through the
    paged ledger, each once, in the order written."""
    from datetime import UTC, datetime, timedelta

    from scoring.domain.rules import decayed

    contact = a_contact()
    now = datetime.now(UTC)
    events = []
    for i in range(45):
        kind = ("email_clicked", "page_visited", "webinar_attended")[i % 3]
        events.append(a_recorded(kind, contact).model_copy(update={"occurred_at": now - timedelta(days=i)}))
    await produce(kafka_settings, topics.TOUCHPOINTS, *events)

    async def complete():
        lead = await _lead(scoring, events[0].lead_id)
        return lead if lead and lead["touchpoints"] == len(events) else None

    lead = await eventually(complete)
    lines, after = [], 0
    while after is not None:
        page = (await scoring.get(f"/v1/leads/{lead['lead_id']}/ledger", params={"after": after, "limit": 7})).json()
        assert len(page["lines"]) <= 7
        lines += page["lines"]
        after = page["next"]
    assert [l["position"] for l in lines] == sorted({l["position"] for l in lines})  # each once, in order
    assert {l["touchpoint_id"] for l in lines} == {e.event_id for e in events}
    by_rule = {r["rule"]: r for r in lead["explanation"]["behaviour_by_rule"]}
    for rule in {l["rule"] for l in lines}:
        mine = [l for l in lines if l["rule"] == rule]
        assert by_rule[rule]["lines"] == len(mine)
        expected = sum(decayed(l["points"], datetime.fromisoformat(l["occurred_at"]), now, 30) for l in mine)
        assert by_rule[rule]["points"] == pytest.approx(expected, abs=0.05)
    assert sum(r["points"] for r in by_rule.values()) == pytest.approx(lead["engagement_score"], abs=0.1)
    strong = lead["explanation"]["strong_signals"]
    assert len(strong) == 15 and all(l["rule"] == "behaviour.webinar_attended" for l in strong)
    assert len(lead["explanation"]["behaviour"]) == 10  # the strongest lines, whatever the history
    bad = await scoring.get(f"/v1/leads/{lead['lead_id']}/ledger", params={"limit": 100_000})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
