"""CRM feedback over HTTP and over `crm.feedback`, against the real broker and database."""

from datetime import UTC, datetime, timedelta

import pytest
from lead_events import CrmFeedbackReceived, FeedbackData, LeadStageChanged, Outcome, lead_id_for, topics

from .support import an_email, feedback_rows, eventually, produce, read_events, run_handoff, sales_ready, wait_consumed

pytestmark = pytest.mark.integration


async def handed_off_lead(service, email: str, episode: int = 1) -> str:
    lead_id = lead_id_for(email)
    await produce(service.kafka, topics.LEAD_LIFECYCLE, sales_ready(email, episode))

    async def has_episode():
        response = await service.http.get(f"/v1/handoffs/{lead_id}")
        return response.status_code == 200 and any(h["episode"] == episode for h in response.json()["handoffs"])

    await eventually(has_episode)
    return lead_id


async def post_feedback(service, lead_id: str, outcome: str, **extra):
    return await service.http.post("/v1/crm/feedback", json={"lead_id": lead_id, "outcome": outcome, **extra})


def handoff_changes(events):
    return [e for e in events if isinstance(e, LeadStageChanged) and e.data.changed_by == "handoff"]


async def test_rejected_as_not_ready_recycles_the_lead(database, kafka_settings):
    email = an_email()
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, email)
        response = await service.http.post(
            "/v1/crm/feedback",
            json={"email": email.upper(), "outcome": "rejected", "reason": "not_ready", "rep_id": "r-7"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["stage"] == "recycled" and response.json()["changed"] is True

        lifecycle = await read_events(kafka_settings, topics.LEAD_LIFECYCLE, lambda f: handoff_changes(f))
        feedback = await read_events(kafka_settings, topics.CRM_FEEDBACK, lambda f: len(f) >= 1)
        await wait_consumed(kafka_settings, topics.CRM_FEEDBACK)
        report = (await service.http.get(f"/v1/handoffs/{lead_id}")).json()

    [change] = handoff_changes(lifecycle)
    assert change.lead_id == lead_id
    assert (change.data.from_stage, change.data.to_stage, change.data.episode) == ("sales_ready", "recycled", 1)
    assert "not_ready" in change.data.reason
    assert change.data.evidence[0].rule == "crm.feedback.rejected"
    assert change.data.snapshot.email == email
    [received] = feedback
    assert isinstance(received, CrmFeedbackReceived)
    assert received.data.handoff_id == report["handoffs"][0]["handoff_id"]
    assert change.causation_id == received.event_id
    # The consumer skipped the service's own crm.feedback event: one feedback row, not two.
    handoff = report["handoffs"][0]
    assert [(f["source"], f["result"]) for f in handoff["feedback"]] == [("http", "applied")]
    assert handoff["stage"] == "recycled"
    assert handoff["sla"]["status"] == "met"


async def test_competitor_rejection_disqualifies(database, kafka_settings):
    email = an_email()
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, email)
        response = await service.http.post(
            "/v1/crm/feedback", json={"lead_id": lead_id, "outcome": "rejected", "reason": "Competitor"}
        )
    assert response.json()["stage"] == "disqualified"


async def test_feedback_for_a_lead_never_handed_off_is_404_and_recorded(database, kafka_settings):
    email = an_email()
    async with run_handoff(database, kafka_settings, None) as service:
        response = await service.http.post("/v1/crm/feedback", json={"email": email, "outcome": "accepted"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["lead_id"] == lead_id_for(email)
    assert [(r.outcome, r.result) for r in await feedback_rows(database, lead_id_for(email))] == [
        ("accepted", "unknown_lead")
    ]


async def test_feedback_that_does_not_fit_the_stage_is_409_and_recorded(database, kafka_settings):
    email = an_email()
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, email)
        won_too_early = await service.http.post("/v1/crm/feedback", json={"lead_id": lead_id, "outcome": "won"})
        await post_feedback(service, lead_id, "rejected", reason="timing")
        after_recycling = await service.http.post("/v1/crm/feedback", json={"lead_id": lead_id, "outcome": "accepted"})
        report = (await service.http.get(f"/v1/handoffs/{lead_id}")).json()
    assert won_too_early.status_code == 409
    assert won_too_early.headers["content-type"] == "application/problem+json"
    assert won_too_early.json()["stage"] == "sales_ready"
    assert after_recycling.status_code == 409
    assert "recycled" in after_recycling.json()["detail"]
    results = [f["result"] for f in report["handoffs"][0]["feedback"]]
    assert results == ["refused", "applied", "refused"]


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "accepted"},
        {"lead_id": "x", "outcome": "maybe"},
        {"lead_id": "x", "outcome": "accepted", "at": "yesterday"},
        {"lead_id": "x", "outcome": "accepted", "at": "2026-11-22T10:00:00"},
    ],
)
async def test_malformed_feedback_is_422(database, kafka_settings, body):
    async with run_handoff(database, kafka_settings, None) as service:
        response = await service.http.post("/v1/crm/feedback", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_lead_has_no_handoffs(database, kafka_settings):
    async with run_handoff(database, kafka_settings, None) as service:
        response = await service.http.get("/v1/handoffs/no-such-lead")
    assert response.status_code == 404
    assert response.json()["status"] == 404


async def test_feedback_a_crm_writes_to_the_topic_is_applied(database, kafka_settings):
    email = an_email()
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, email)
        accepted = CrmFeedbackReceived.new(
            lead_id=lead_id, data=FeedbackData(outcome=Outcome.ACCEPTED, rep_id="r-1", at=datetime.now(UTC))
        )
        await produce(kafka_settings, topics.CRM_FEEDBACK, accepted, accepted)
        lifecycle = await read_events(kafka_settings, topics.LEAD_LIFECYCLE, lambda f: handoff_changes(f))
        await wait_consumed(kafka_settings, topics.CRM_FEEDBACK)
        report = (await service.http.get(f"/v1/handoffs/{lead_id}")).json()
    [change] = handoff_changes(lifecycle)
    assert change.data.to_stage == "sales_accepted"
    assert change.causation_id == accepted.event_id
    handoff = report["handoffs"][0]
    assert handoff["stage"] == "sales_accepted"
    assert handoff["handed_to"]["rep_id"] == "r-1"
    assert [(f["source"], f["result"]) for f in handoff["feedback"]] == [("kafka", "applied")]
    assert handoff["sla"]["first_contact"] == "met"  # accepted at once


async def test_feedback_from_the_future_or_for_an_earlier_episode_changes_nothing(database, kafka_settings):
    """A CRM's clock far ahead, or a redelivered answer from before this episode: recorded, refused."""
    email = an_email()
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, email)
        future = CrmFeedbackReceived.new(lead_id=lead_id, data=FeedbackData(
            outcome=Outcome.ACCEPTED, at=datetime.now(UTC) + timedelta(days=2)))
        stale = CrmFeedbackReceived.new(lead_id=lead_id, data=FeedbackData(
            outcome=Outcome.REJECTED, reason="not_ready", at=datetime.now(UTC) - timedelta(days=30)))
        await produce(kafka_settings, topics.CRM_FEEDBACK, future, future)
        await produce(kafka_settings, topics.CRM_FEEDBACK, stale, stale)
        await wait_consumed(kafka_settings, topics.CRM_FEEDBACK)

        async def both_answers_recorded():
            # the offsets read back can be ahead of a topic's first metadata: wait for the rows too
            report = (await service.http.get(f"/v1/handoffs/{lead_id}")).json()
            return report if len(report["handoffs"][0]["feedback"]) >= 2 else None

        report = await eventually(both_answers_recorded, timeout=15)
        answer = await service.http.post("/v1/crm/feedback", json={
            "lead_id": lead_id, "outcome": "accepted", "at": (datetime.now(UTC) + timedelta(days=2)).isoformat()})
    handoff = report["handoffs"][0]
    assert handoff["stage"] == "sales_ready"
    assert [f["result"] for f in handoff["feedback"]] == ["refused", "refused"]
    assert handoff["sla"]["first_contact"] != "breached"
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "at"


async def test_a_recycled_lead_is_handed_off_again_in_its_next_episode(database, kafka_settings, crm):
    email = an_email()
    async with run_handoff(database, kafka_settings, crm.url) as service:
        lead_id = await handed_off_lead(service, email, episode=1)
        await post_feedback(service, lead_id, "rejected", reason="timing")
        await handed_off_lead(service, email, episode=2)

        async def both_pushed():
            return len(crm.leads) >= 2

        await eventually(both_pushed)
        accepted = await service.http.post("/v1/crm/feedback", json={"lead_id": lead_id, "outcome": "accepted"})
        report = (await service.http.get(f"/v1/handoffs/{lead_id}")).json()
    assert accepted.status_code == 200 and accepted.json()["episode"] == 2
    assert [(h["episode"], h["stage"]) for h in report["handoffs"]] == [(1, "recycled"), (2, "sales_accepted")]
    assert len({body["handoff_id"] for body in crm.leads.values()}) == 2


async def test_first_contact_meets_the_sla_without_moving_the_stage(database, kafka_settings):
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, an_email())
        response = await post_feedback(service, lead_id, "contacted", rep_id="r-3")
        assert response.status_code == 200, response.text
        assert response.json()["stage"] == "sales_ready" and response.json()["contacted"] is True
        handoff = (await service.http.get(f"/v1/handoffs/{lead_id}")).json()["handoffs"][0]
        assert handoff["stage"] == "sales_ready"
        assert handoff["sla"]["status"] == "met"
        assert (await post_feedback(service, lead_id, "accepted")).json()["stage"] == "sales_accepted"


@pytest.mark.parametrize(
    "path",
    [
        [("accepted", "sales_accepted"), ("opportunity", "opportunity"), ("won", "won")],
        [("accepted", "sales_accepted"), ("lost", "lost")],
        [("opportunity", "opportunity"), ("lost", "lost")],
    ],
)
async def test_every_outcome_moves_the_lead_and_tells_the_other_services(database, kafka_settings, path):
    async with run_handoff(database, kafka_settings, None) as service:
        lead_id = await handed_off_lead(service, an_email())
        for outcome, stage in path:
            response = await post_feedback(service, lead_id, outcome, rep_id="r-1")
            assert response.status_code == 200, response.text
            assert response.json()["stage"] == stage and response.json()["changed"] is True
        wanted = len(path)
        events = await read_events(kafka_settings, topics.LEAD_LIFECYCLE, lambda f: len(handoff_changes(f)) >= wanted)
    changes = [e for e in handoff_changes(events) if e.lead_id == lead_id]
    assert [c.data.to_stage for c in changes] == [stage for _, stage in path]
    assert changes[0].data.from_stage == "sales_ready"
