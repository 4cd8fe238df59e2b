"""A touchpoint from the future (beyond the clock skew) has not happened: refused naming the field, kept."""

from datetime import UTC, datetime, timedelta

from ingest.domain.event_time import ahead_of_time

from .helpers import a_touchpoint, a_touchpoint_doc

NOW = datetime(2026, 11, 22, 10, 15, tzinfo=UTC)


def test_within_the_skew_is_accepted_beyond_it_is_refused_naming_the_field():
    soon = a_touchpoint(occurred_at=(NOW + timedelta(minutes=4)).isoformat())
    later = a_touchpoint(occurred_at=(NOW + timedelta(minutes=6)).isoformat())
    assert ahead_of_time([soon], NOW) is None
    refusal = ahead_of_time([later], NOW)
    assert refusal.status == 422 and refusal.errors[0]["field"] == "occurred_at"
    assert "future" in refusal.errors[0]["message"]


def test_in_a_batch_the_index_is_named():
    ok, ahead = a_touchpoint(), a_touchpoint(occurred_at="2027-11-22T10:15:00Z")
    refusal = ahead_of_time([ok, ahead], NOW)
    assert [e["field"] for e in refusal.errors] == ["touchpoints.1.occurred_at"]


async def test_a_touchpoint_a_year_ahead_is_refused_and_kept(client, publisher):
    future = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    response = await client.post("/v1/touchpoints", json=a_touchpoint_doc(occurred_at=future))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "occurred_at"
    assert publisher.on("touchpoints") == []
    [rejection] = publisher.on("touchpoints.rejected")
    assert rejection.event_id == response.json()["rejection_id"]
