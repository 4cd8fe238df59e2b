"""The walking skeleton's journey: touchpoints -> sales-ready -> CRM -> rejected -> recycled -> nurtured again."""

import httpx
import pytest
from lead_events import lead_id_for

from tests.builders import a_contact, a_touchpoint
from tests.kafka_tools import eventually

pytestmark = pytest.mark.e2e


async def _get(url: str) -> dict | None:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(url)
    return response.json() if response.status_code == 200 else None


async def _post(url: str, body: dict) -> httpx.Response:
    async with httpx.AsyncClient(timeout=15) as client:
        return await client.post(url, json=body)


async def test_fitting_lead_reaches_crm_is_rejected_recycled_and_nurtured_again(stack):
    contact = a_contact()
    lead_id = lead_id_for(contact["email"])
    webinar = a_touchpoint("webinar_attended", contact, questions_asked=2, webinar_id="w-2026-11")
    accepted = await _post(f"{stack.url('ingest')}/v1/touchpoints", webinar)
    assert accepted.status_code == 202, accepted.text

    async def marketing_lead_with_a_step():
        lead = await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")
        nurture = await _get(f"{stack.url('nurture')}/v1/leads/{lead_id}/nurture")
        return (lead, nurture) if lead and lead["stage"] == "marketing_lead" and nurture and nurture["steps"] else None

    _, nurture_before = await eventually(marketing_lead_with_a_step)

    tender = a_touchpoint("tender_document_downloaded", contact)
    assert (await _post(f"{stack.url('ingest')}/v1/touchpoints", tender)).status_code == 202

    leads = await eventually(lambda: _crm_leads_for(stack, contact["email"]))
    assert len(leads) == 1
    pushed = leads[0]
    assert pushed["lead_id"] == lead_id
    why = {e["touchpoint_id"] for e in pushed["why_now"]}
    assert len(why) >= 2  # both the webinar and the tender download are named

    handoff = await eventually(lambda: _delivered(stack, lead_id))
    assert handoff["handoffs"][0]["sla"]["status"] in ("due", "met")

    feedback = await _post(
        f"{stack.url('handoff')}/v1/crm/feedback",
        {"email": contact["email"], "outcome": "rejected", "reason": "not_ready", "rep_id": "rep-7"},
    )
    assert feedback.status_code == 200, feedback.text

    async def recycled_and_nurtured():
        lead = await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")
        nurture = await _get(f"{stack.url('nurture')}/v1/leads/{lead_id}/nurture")
        if lead and lead["stage"] == "recycled" and nurture and len(nurture["steps"]) > len(nurture_before["steps"]):
            return lead, nurture
        return None

    lead, nurture = await eventually(recycled_and_nurtured)
    assert lead["stage_history"][-1]["changed_by"] == "handoff"
    assert len(stack.crm.leads) >= 1 and len(await _crm_leads_for(stack, contact["email"])) == 1


async def test_same_touchpoint_posted_five_times_counts_once(stack):
    contact = a_contact()
    body = a_touchpoint("whitepaper_downloaded", contact)
    answers = [await _post(f"{stack.url('ingest')}/v1/touchpoints", body) for _ in range(5)]
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["event_ids"][0] for a in answers}) == 1
    lead_id = lead_id_for(contact["email"])
    lead = await eventually(lambda: _get(f"{stack.url('scoring')}/v1/leads/{lead_id}"))
    assert lead["touchpoints"] == 1
    assert lead["engagement_score"] == pytest.approx(10, abs=0.01)


async def _crm_leads_for(stack, email: str) -> list[dict]:
    return [body for body in stack.crm.leads.values() if _email_of(body) == email]


def _email_of(body: dict) -> str | None:
    lead = body.get("lead") or {}
    return lead.get("email") or body.get("email")


async def _delivered(stack, lead_id: str) -> dict | None:
    found = await _get(f"{stack.url('handoff')}/v1/handoffs/{lead_id}")
    return found if found and found["handoffs"] and found["handoffs"][0]["delivery"]["status"] == "delivered" else None


async def test_a_known_visitors_anonymous_visits_count_for_the_lead(stack):
    """The website names the visitor once (a form with its cookie id); later page views with the
    cookie only are the lead's behaviour (reporting's side: tests/integration/reporting/test_identity.py)."""
    contact = a_contact(anonymous_id="cookie-e2e-7")
    lead_id = lead_id_for(contact["email"])
    assert (await _post(f"{stack.url('ingest')}/v1/touchpoints", a_touchpoint("form_submitted", contact))).status_code == 202

    async def known():
        lead = await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")
        return lead if lead and lead["touchpoints"] == 1 else None

    before = await eventually(known)
    for _ in range(2):
        visit = a_touchpoint("pricing_viewed", {"anonymous_id": "cookie-e2e-7"})
        assert (await _post(f"{stack.url('ingest')}/v1/touchpoints", visit)).status_code == 202

    async def counted():
        lead = await _get(f"{stack.url('scoring')}/v1/leads/{lead_id}")
        return lead if lead and lead["touchpoints"] == 3 else None

    after = await eventually(counted)
    assert after["engagement_score"] > before["engagement_score"]
