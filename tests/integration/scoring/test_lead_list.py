"""GET /v1/leads?stage= on the real database: paged by cursor, every lead once, at a fixed number of
statements a page."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from sqlalchemy import event

from scoring.api import router
from scoring.domain.policy import ScoringPolicy
from scoring.handlers import ScoringHandlers
from tests.builders import a_contact, a_recorded
from tests.routes import route_client

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def leads_api(fresh_database):
    """The routes over a fresh database, the handlers that write leads into it, and a counter of
    the statements the routes run."""
    engine = make_engine(await fresh_database("scoring"))
    sessions = make_sessionmaker(engine)
    handlers = ScoringHandlers(load_model(ROOT / "config/agreement.yaml", ScoringPolicy))
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    async def touch(*events) -> None:
        async with sessions() as s, s.begin():
            await handlers.on_touchpoints(s, list(events))

    try:
        async with route_client(router, sessions, {"handlers": handlers}) as client:
            yield SimpleNamespace(http=client, touch=touch, statements=statements)
    finally:
        await engine.dispose()


async def _page(api, **params) -> dict:
    answer = await api.http.get("/v1/leads", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_paging_a_stage_returns_every_lead_once_in_a_stable_order_while_leads_are_updated(leads_api):
    contacts = [a_contact() for _ in range(7)]
    await leads_api.touch(*[a_recorded("webinar_attended", c) for c in contacts[:4]])  # one batch: one created_at
    for c in contacts[4:]:
        await leads_api.touch(a_recorded("webinar_attended", c))
    everyone = (await _page(leads_api, stage="marketing_lead"))["leads"]
    assert len(everyone) == 7
    newest_first = [(lead["created_at"], lead["lead_id"]) for lead in everyone]
    assert newest_first == sorted(newest_first, reverse=True)

    seen, cursor = [], None
    while True:
        page = await _page(leads_api, stage="marketing_lead", limit=3, **({"cursor": cursor} if cursor else {}))
        assert len(page["leads"]) <= 3
        seen += [lead["lead_id"] for lead in page["leads"]]
        # between pages every lead is touched again: its score and updated_at move, its place does not
        await leads_api.touch(*[a_recorded("page_visited", c) for c in contacts])
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [lead["lead_id"] for lead in everyone]
    after = (await _page(leads_api, stage="marketing_lead"))["leads"]
    assert [lead["lead_id"] for lead in after] == seen  # still in the stage, and updated
    assert all(a["updated_at"] > b["updated_at"] for a, b in zip(after, everyone))


async def test_a_page_is_a_summary_that_points_to_the_full_view(leads_api):
    contact = a_contact()
    await leads_api.touch(a_recorded("webinar_attended", contact))
    page = await _page(leads_api, stage="marketing_lead", limit=500)
    assert page["next"] is None and page["limit"] == 500
    [lead] = page["leads"]
    full = (await leads_api.http.get(lead["href"])).json()
    for field in ("lead_id", "email", "stage", "persona", "fit_score", "fit_grade", "engagement_score", "total_score",
                  "episode"):
        assert lead[field] == pytest.approx(full[field], abs=0.01), field
    assert "explanation" not in lead
    assert (await _page(leads_api, stage="sales_ready"))["leads"] == []


async def test_a_page_costs_the_same_statements_whatever_its_size(leads_api):
    await leads_api.touch(*[a_recorded("webinar_attended", a_contact()) for _ in range(12)])
    leads_api.statements.clear()
    await _page(leads_api, stage="marketing_lead", limit=2)
    small = len(leads_api.statements)
    leads_api.statements.clear()
    await _page(leads_api, stage="marketing_lead", limit=12)
    assert len(leads_api.statements) == small <= 2


async def test_a_cursor_not_given_out_is_a_400_problem(leads_api):
    answer = await leads_api.http.get("/v1/leads", params={"stage": "marketing_lead", "cursor": "bm90IGEgY3Vyc29y"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert "next" in answer.json()["detail"]
