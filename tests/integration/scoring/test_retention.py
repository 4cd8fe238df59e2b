"""SCORING_RETENTION_DAYS on the real database: touchpoints and score lines older than the cutoff
go a batch at a time, newer ones stay, the cutoff is recorded; a lead whose early touchpoints
went keeps the job title and company they said in a shadow re-score and through a switch."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from lead_runtime.config import load_model
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.retention import Purge, purge_once, pruned_before
from scoring.adapters.replay_source import stored_leads
from scoring.agreement_cmd import shadow
from scoring.bootstrap import retention_purges
from scoring.domain.policy import ScoringPolicy
from scoring.domain.replay import replay
from scoring.handlers import ScoringHandlers
from scoring.switching import apply_switch
from sqlalchemy import text

from tests.builders import a_contact, a_recorded

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
NOW = datetime.now(UTC)


@pytest.fixture
async def scoring_db(fresh_database):
    database = await fresh_database("scoring")
    engine = make_engine(database)
    yield database, make_sessionmaker(engine)
    await engine.dispose()


def active() -> ScoringPolicy:
    return load_model(ROOT / "config/agreement.yaml", ScoringPolicy)


def candidate(tmp_path: Path) -> ScoringPolicy:
    doc = yaml.safe_load((ROOT / "config/agreement.yaml").read_text())
    doc["version"], doc["thresholds"]["sales_ready"] = "test-next", 85
    path = tmp_path / "agreement-next.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return load_model(path, ScoringPolicy)


def at(event, days_ago: float):
    return event.model_copy(update={"occurred_at": NOW - timedelta(days=days_ago)})


async def score(sessions, *batches) -> None:
    handlers = ScoringHandlers(active(), clock=lambda: NOW)
    for batch in batches:
        async with sessions() as session, session.begin():
            await handlers.on_touchpoints(session, list(batch))


async def count(sessions, table: str) -> int:
    async with sessions() as session:
        return (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar()


async def purge_all(sessions, batch: int | None = None) -> list[list[int]]:
    """Each purge of retention_purges(730 days) run once; the rows each of its statements deleted."""
    done = []
    for purge in retention_purges(sessions, 730):
        batches = []

        async def counted(cutoff, n, delete=purge.delete):
            batches.append(await delete(cutoff, n))
            return batches[-1]

        await purge_once(Purge(purge.what, purge.retention, counted, batch or purge.batch, purge.mark), NOW)
        done.append(batches)
    return done


async def test_touchpoints_and_score_lines_older_than_the_retention_go_in_batches_and_newer_stay(scoring_db):
    _, sessions = scoring_db
    contact = a_contact()
    old = [at(a_recorded("page_visited", contact), 731 + i / 100) for i in range(25)]
    new = at(a_recorded("webinar_attended", contact), 729)
    await score(sessions, old, [new])
    assert await count(sessions, "touchpoints") == 26
    lines_before = await count(sessions, "score_changes")
    old_lines = lines_before - await count(sessions, f"score_changes WHERE touchpoint_id = '{new.event_id}'")

    touchpoint_batches, line_batches = await purge_all(sessions, batch=10)
    assert touchpoint_batches == [10, 10, 5]
    assert line_batches == [10] * (old_lines // 10) + [old_lines % 10] and len(line_batches) > 2

    async with sessions() as session:
        kept = (await session.execute(text("SELECT event_id FROM touchpoints"))).scalars().all()
        lines = (await session.execute(text("SELECT touchpoint_id FROM score_changes"))).scalars().all()
        cutoffs = [await pruned_before(session, t) for t in ("touchpoints", "score_changes")]
    assert kept == [new.event_id] and set(lines) == {new.event_id} and lines_before - len(lines) == old_lines
    assert cutoffs == [NOW - timedelta(days=730)] * 2
    assert await purge_all(sessions) == [[0], [0]]


async def test_a_lead_whose_early_touchpoints_were_purged_keeps_its_job_title_and_company_in_a_rescore(
        scoring_db, tmp_path):
    database, sessions = scoring_db
    full = a_contact()  # head of purchasing at an 850-person manufacturer: fit 60
    email_only = {"email": full["email"], "first_name": "Anna", "last_name": "Schmidt"}
    said_early = at(a_recorded("form_submitted", full), 800)
    webinar = at(a_recorded("webinar_attended", email_only, questions_asked=2), 5)  # 20 + 10 for the questions
    await score(sessions, [said_early], [webinar])
    await purge_all(sessions)
    assert await count(sessions, "touchpoints") == 1

    async with sessions() as session:
        [[lead]] = [chunk async for chunk in stored_leads(session, active())]
    replayed = replay(lead.touchpoints, active(), NOW, lead.engagement_since, start=lead.start)
    assert (replayed.profile.job_title, replayed.profile.company_name) == ("Leiterin Einkauf", "Example Industrie GmbH")

    report = await shadow(candidate(tmp_path), database, NOW, active())  # sales-ready from 85: fit 60 + 30
    assert [l["lead_id"] for l in report["changes"]["would become sales-ready"]["leads"]] == [webinar.lead_id]

    assert await apply_switch(candidate(tmp_path), "test", database, NOW) == 1
    async with sessions() as session:
        stage, profile = (await session.execute(text("SELECT stage, profile FROM leads"))).one()
    assert stage == "sales_ready"
    assert (profile["job_title"], profile["company_name"]) == ("Leiterin Einkauf", "Example Industrie GmbH")
