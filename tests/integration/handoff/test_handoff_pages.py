"""GET /v1/handoffs/{lead_id} and /feedback on the real database: a lead handed over again and again,
with a CRM that keeps answering, is read a page at a time."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import insert

from handoff.adapters.tables import crm_feedback, handoff_attempts, handoffs
from handoff.api import router
from handoff.views import ROWS_SHOWN
from tests.routes import route_client

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
EPISODES = 5


@pytest.fixture
async def lead(database):
    """A lead handed over in five episodes; the last one pushed 52 times and answered 53 times, and
    two answers that named no handoff. Yields (http client, lead id)."""
    engine = make_engine(database)
    sessions = make_sessionmaker(engine)
    lead_id = str(uuid.uuid4())
    ids = [f"{lead_id}:{episode}" for episode in range(1, EPISODES + 1)]
    async with sessions() as session, session.begin():
        await session.execute(insert(handoffs), [
            {"handoff_id": handoff_id, "lead_id": lead_id, "episode": episode, "stage": "recycled",
             "handed_at": NOW - timedelta(days=10 - episode), "sla_first_contact_due": NOW, "sla_hard_limit": NOW,
             "payload": {"reason": f"episode {episode}"}, "source_event_id": handoff_id, "correlation_id": handoff_id,
             "delivery_status": "delivered"}
            for episode, handoff_id in enumerate(ids, start=1)
        ])
        await session.execute(insert(handoff_attempts), [
            {"handoff_id": ids[-1], "attempt": n, "at": NOW, "result": "retry"} for n in range(1, 53)
        ])
        await session.execute(insert(crm_feedback), [
            {"source": "http", "lead_id": lead_id, "handoff_id": ids[-1] if n > 2 else None, "outcome": "contacted",
             "at": NOW, "result": "unchanged", "detail": str(n)}
            for n in range(1, 56)
        ])
    try:
        async with route_client(router, sessions, {"clock": lambda: NOW}) as client:
            yield client, lead_id
    finally:
        await engine.dispose()


async def _pages(client: httpx.AsyncClient, path: str, key: str, **params) -> list[dict]:
    pages, cursor = [], None
    while True:
        answer = await client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        pages.append(answer.json()[key])
        cursor = answer.json()["next"]
        if cursor is None:
            return pages


async def test_the_handoffs_are_paged_newest_first_each_page_in_episode_order(lead):
    client, lead_id = lead
    pages = await _pages(client, f"/v1/handoffs/{lead_id}", "handoffs", limit=2)
    assert [[h["episode"] for h in page] for page in pages] == [[4, 5], [2, 3], [1]]
    everything = (await client.get(f"/v1/handoffs/{lead_id}")).json()
    assert [h["episode"] for h in everything["handoffs"]] == [1, 2, 3, 4, 5] and everything["next"] is None


async def test_a_handoff_shows_its_latest_attempts_and_answers_and_says_older_ones_exist(lead):
    client, lead_id = lead
    report = (await client.get(f"/v1/handoffs/{lead_id}", params={"limit": 1})).json()
    [latest] = report["handoffs"]
    attempts = latest["delivery"]["attempts"]
    assert [a["attempt"] for a in attempts] == list(range(53 - ROWS_SHOWN, 53))  # the latest, oldest of them first
    assert latest["attempts_truncated"] is True
    assert [int(f["detail"]) for f in latest["feedback"]] == list(range(56 - ROWS_SHOWN, 56))
    assert latest["feedback_truncated"] is True
    assert [f["detail"] for f in report["unmatched_feedback"]] == ["1", "2"]
    assert report["unmatched_feedback_truncated"] is False
    earlier = (await client.get(f"/v1/handoffs/{lead_id}", params={"cursor": report["next"]})).json()["handoffs"]
    assert all(h["feedback"] == [] and h["attempts_truncated"] is False for h in earlier)


async def test_every_answer_of_the_lead_is_paged_newest_first_once(lead):
    client, lead_id = lead
    pages = await _pages(client, f"/v1/handoffs/{lead_id}/feedback", "feedback", limit=20)
    assert [len(page) for page in pages] == [20, 20, 15]
    assert [int(f["detail"]) for page in pages for f in page] == list(range(55, 0, -1))
    unmatched = await _pages(client, f"/v1/handoffs/{lead_id}/feedback", "feedback", unmatched="true")
    assert [[f["detail"] for f in page] for page in unmatched] == [["2", "1"]]


@pytest.mark.parametrize("path", ["/v1/handoffs/{}", "/v1/handoffs/{}/feedback"])
async def test_a_cursor_not_given_out_is_a_400_and_a_page_too_large_a_422(lead, path):
    client, lead_id = lead
    url = path.format(lead_id)
    for cursor in ("garbage", "Wy0xXQ", "WyJ4Il0"):  # not base64 JSON; [-1]; ["x"]
        answer = await client.get(url, params={"cursor": cursor})
        assert answer.status_code == 400, (cursor, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    answer = await client.get(url, params={"limit": 101})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "query.limit"
