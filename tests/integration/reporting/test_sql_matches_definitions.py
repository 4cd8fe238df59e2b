"""The figures PostgreSQL computes for requests equal the definitions (the domain functions over
the whole history) on a random history written through the handlers in shuffled order: every
report, several periods (edges included), every slicing."""

from datetime import timedelta

import pytest
from lead_events import CrmFeedbackReceived, LeadHandedOff, LeadStageChanged, TouchpointRecorded
from lead_runtime.db import make_engine, make_sessionmaker
from reporting import handlers, reports
from reporting.adapters.report_queries import SqlReports
from reporting.adapters.repository import SqlReadModel
from reporting.domain.model import Period
from reporting.domain.slicing import DIMENSIONS

from tests.integration.reporting.random_history import epoch, random_stream
from tests.integration.reporting.rebuilt import kept, rebuilt

pytestmark = pytest.mark.integration
NOW = epoch(2026, 11, 30, 12, 0)
PERIODS = [
    Period(NOW - timedelta(days=30), NOW + timedelta(seconds=1)),  # the default
    Period(NOW - timedelta(days=61), NOW - timedelta(days=30)),
    Period(epoch(2026, 10, 1), epoch(2026, 11, 1)),  # ends at midnight on the first of a month
    Period(NOW - timedelta(days=10, hours=-3, minutes=17), NOW - timedelta(days=2, hours=-5)),
    Period(NOW - timedelta(days=3), NOW + timedelta(days=20)),  # ends after now
    Period(epoch(2000, 1, 1), epoch(2100, 1, 1)),
    Period(epoch(2020, 1, 1), epoch(2020, 2, 1)),  # nothing happened
    Period(epoch(2026, 8, 25, 6, 30), epoch(2026, 11, 20, 18)),  # whole months, whole days and parts of a day
]
# Stage events fall exactly on these: the periods' edges and now (leads per stage are counted as of it).
BOUNDARIES = sorted({p.start for p in PERIODS} | {p.end for p in PERIODS} | {NOW})


@pytest.fixture(scope="module")
def anyio_backend():
    return "asyncio"


async def _write(sessions, events: list) -> None:
    """In transactions of up to 25 events; consecutive touchpoints, and consecutive stage changes,
    go in one batch, as the consumer sends them."""
    batched = {TouchpointRecorded: handlers.on_touchpoints, LeadStageChanged: handlers.on_stage_changes}
    for i in range(0, len(events), 25):
        async with sessions() as session, session.begin():
            run: list = []
            for event in [*events[i:i + 25], None]:
                if run and type(event) is not type(run[0]):
                    await batched[type(run[0])](session, run)
                    run = []
                if type(event) in batched:
                    run.append(event)
                elif isinstance(event, LeadHandedOff):
                    await handlers.on_handed_off(session, event)
                elif isinstance(event, CrmFeedbackReceived):
                    await handlers.on_feedback(session, event)


def _by_item(report: dict) -> dict:
    """Items keyed by name: equal credits may come in either order (float sums of 1/n)."""
    return {**report, "items": {i["item"]: i for i in report["items"]}}


async def test_every_report_computed_in_postgres_equals_its_definition(fresh_database):
    engine = make_engine(await fresh_database("reporting"))
    sessions = make_sessionmaker(engine)
    try:
        await _write(sessions, random_stream(seed=13, now=NOW, leads=300, boundaries=BOUNDARIES))
        async with sessions() as session:
            history = await SqlReadModel(session).history()
            db = SqlReports(session)
            assert len(history.stages) > 500 and len(history.touches) > 600 and len(history.handoffs) > 80
            for period in PERIODS:
                for by in (None, *DIMENSIONS):
                    expected = reports.funnel_report(history, period, NOW, by)
                    assert await reports.funnel_from(db, period, NOW, by) == expected, (period, by)
                sla = await reports.sla_from(db, period, NOW, limit=1000)
                assert sla.pop("open_breaches_listed")["complete"]
                expected = reports.sla(history, period, NOW)
                key = lambda b: b["handoff_id"]  # noqa: E731
                assert sorted(sla.pop("open_breaches"), key=key) == sorted(expected.pop("open_breaches"), key=key)
                assert sla == expected, period
                for stage in ("sales_ready", "won"):
                    expected = _by_item(reports.attribution_report(history, period, stage))
                    assert _by_item(await reports.attribution_from(db, period, stage)) == expected, (period, stage)
            for rates in ({}, {"opportunity_to_won": 0.2}):
                expected = reports.plan_report(history, NOW, 10_000_000, 0.4, 50_000, rates)
                assert await reports.plan_from(db, NOW, 10_000_000, 0.4, 50_000, rates) == expected
    finally:
        await engine.dispose()


async def test_the_tallies_kept_as_events_arrive_equal_those_built_from_all_events(fresh_database):
    """Migrations 0004, 0005 and 0008 fill `stage_tallies`, `lead_items`, the events' timeline
    columns, `funnel_tallies` and the attribution credits and tallies from the stored events and
    touches at once; the write path keeps them lead by lead. Both ways must give the same tables."""
    engine = make_engine(await fresh_database("reporting"))
    sessions = make_sessionmaker(engine)
    try:
        await _write(sessions, random_stream(seed=7, now=NOW, leads=120, boundaries=BOUNDARIES))
        async with sessions() as session, session.begin():
            as_kept = await kept(session)
            assert await rebuilt(session) == as_kept
            sizes = {name: len(rows) for name, rows in as_kept.items()}
            assert sizes["stage_tallies"] > 100 and sizes["lead_items"] > 200 and sizes["funnel_tallies"] > 300
            assert sizes["attribution_credits"] > 30 and sizes["attribution_tallies"] > 30
            assert sum(1 for _, prev_at, _, _ in as_kept["timelines"] if prev_at) > 50
    finally:
        await engine.dispose()


async def test_the_sla_report_lists_at_most_the_limit_and_says_so(fresh_database):
    engine = make_engine(await fresh_database("reporting"))
    sessions = make_sessionmaker(engine)
    try:
        await _write(sessions, random_stream(seed=5, now=NOW, leads=80, boundaries=BOUNDARIES))
        async with sessions() as session:
            report = await reports.sla_from(SqlReports(session), PERIODS[5], NOW, limit=2)
        assert report["overall"]["open_breaches"] > 2
        assert len(report["open_breaches"]) == 2
        assert report["open_breaches_listed"] == {"count": 2, "limit": 2, "complete": False}
    finally:
        await engine.dispose()


async def test_periods_at_the_ends_of_time_answer_as_the_definitions_do(fresh_database):
    """`from` in the year 1 east of Greenwich, `to` in the year 9999 west of it: in UTC outside what
    the database holds, yet the figures are those of everything, as the definitions say."""
    from datetime import datetime

    engine = make_engine(await fresh_database("reporting"))
    sessions = make_sessionmaker(engine)
    await _write(sessions, random_stream(seed=3, now=NOW, leads=40, boundaries=BOUNDARIES))
    period = Period(datetime.fromisoformat("0001-01-01T00:00:00+14:00"), datetime.fromisoformat("9999-12-31T23:59:59-14:00"))
    async with sessions() as session:
        history, db = await SqlReadModel(session).history(), SqlReports(session)
        assert await reports.funnel_from(db, period, NOW, None) == reports.funnel_report(history, period, NOW, None)
        assert _by_item(await reports.attribution_from(db, period, "sales_ready")) == \
            _by_item(reports.attribution_report(history, period, "sales_ready"))
        sla = await reports.sla_from(db, period, NOW, 1000)
        assert sla["period"] == reports.sla(history, period, NOW)["period"]
        assert sla["overall"] == reports.sla(history, period, NOW)["overall"]
    await engine.dispose()
