"""Reporting's HTTP surface: figures as JSON or CSV, the planner, and the dashboard page."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from lead_events import span_before
from lead_runtime.csv_dialect import DIALECTS, DialectName, csv_text
from lead_runtime.problems import Problem
from lead_runtime.service import RuntimeDep, SessionDep
from pydantic import BaseModel, Field

from . import reports
from .adapters.lag import consumer_lag
from .adapters.report_queries import SqlReports
from .csv_export import attribution_table, funnel_table, plan_table, sla_table
from .dashboard import render
from .domain.model import Period
from .domain.slicing import DIMENSIONS

log = logging.getLogger(__name__)
router = APIRouter(tags=["reports"])
Format = Annotated[Literal["json", "csv"], Query(description="csv for a spreadsheet")]
Dialect = Annotated[DialectName, Query(description="with format=csv: plain (RFC 4180: `,`, UTF-8) or excel-de"
                                       " (German Excel: `;`, UTF-8 with BOM, decimal comma)")]
From = Annotated[datetime | None, Query(alias="from", description="default: 30 days ago")]
To = Annotated[datetime | None, Query(description="default: now")]
MAX_BREACHES = 1000  # a list, unlike the counts, grows with the data: the sla report lists at most this many
MAX_ITEMS = 1000  # so does the attribution's list of content items (each content id a sender names)


def period_of(start: datetime | None, end: datetime | None) -> Period:
    now = datetime.now(UTC)
    end = _aware(end) if end else now + timedelta(seconds=1)
    start = _aware(start) if start else span_before(end, timedelta(days=30))  # `to` may lie in the year 1
    if start >= end:
        raise Problem(422, "Invalid period", "`from` must be before `to`.")
    return Period(start, end)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def as_csv(rows: list[list], name: str, dialect: DialectName) -> Response:
    return Response(csv_text(rows, DIALECTS[dialect]), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}.csv"'})


@router.get("/v1/reports/funnel")
async def funnel(session: SessionDep, start: From = None, to: To = None, by: Annotated[str | None, Query(description=f"one of {', '.join(DIMENSIONS)}")] = None, format: Format = "json", dialect: Dialect = "plain"):
    if by is not None and by not in DIMENSIONS:
        raise Problem(422, "Unknown dimension", f"`by` must be one of {', '.join(DIMENSIONS)}.")
    report = await reports.funnel_from(SqlReports(session), period_of(start, to), datetime.now(UTC), by)
    return as_csv(funnel_table(report), "funnel", dialect) if format == "csv" else report


@router.get("/v1/reports/sla")
async def sla(session: SessionDep, start: From = None, to: To = None, format: Format = "json", dialect: Dialect = "plain",
              limit: Annotated[int, Query(ge=0, le=MAX_BREACHES, description="open breaches listed at most (earliest due"
                                          " first); `open_breaches_listed` says whether all are")] = 100):
    report = await reports.sla_from(SqlReports(session), period_of(start, to), datetime.now(UTC), limit)
    return as_csv(sla_table(report), "sla", dialect) if format == "csv" else report


@router.get("/v1/reports/attribution")
async def attribution(session: SessionDep, stage: Literal["sales_ready", "won"] = "sales_ready",
                      start: From = None, to: To = None, format: Format = "json", dialect: Dialect = "plain",
                      limit: Annotated[int, Query(ge=1, le=MAX_ITEMS, description="content items listed at most (most"
                                          " linear credit first); `items_listed` says whether all are")] = 200):
    report = await reports.attribution_from(SqlReports(session), period_of(start, to), stage, limit)
    return as_csv(attribution_table(report), "attribution", dialect) if format == "csv" else report


class PlanRequest(BaseModel):
    revenue_target_eur: float = Field(gt=0, description="Revenue target per year.")
    marketing_share: float = Field(gt=0, le=1, description="Share of the revenue marketing should source.")
    average_deal_eur: float = Field(gt=0)
    rates: dict[Literal[tuple(reports.RATE_KEYS)], float] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Conversion rates (0..1]; a missing one is measured over the last 13 weeks.")


@router.post("/v1/plan")
async def make_plan(body: PlanRequest, session: SessionDep, format: Format = "json", dialect: Dialect = "plain"):
    if any(not 0 < r <= 1 for r in body.rates.values()):
        raise Problem(422, "Invalid rate", "Every conversion rate must be greater than 0 and at most 1.")
    report = await reports.plan_from(SqlReports(session), datetime.now(UTC), body.revenue_target_eur,
                                     body.marketing_share, body.average_deal_eur, body.rates)
    if report.get("error") == "out_of_range":
        raise Problem(422, "Plan out of range", report["detail"])
    if "error" in report:
        raise Problem(422, "Rates missing", f"Not enough history to measure {', '.join(report['missing'])}; send them in `rates`.",
                      measured_rates=report["measured_rates"])
    return as_csv(plan_table(report), "plan", dialect) if format == "csv" else report


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def dashboard(session: SessionDep, rt: RuntimeDep, target: float = 5_000_000, share: float = 0.4, deal: float = 50_000):
    db = SqlReports(session)
    now, period = datetime.now(UTC), period_of(None, None)
    plan = None
    if target > 0 and 0 < share <= 1 and deal > 0:
        plan = await reports.plan_from(db, now, target, share, deal, {})
    try:
        lag = await consumer_lag(rt.settings.kafka)
    except Exception:
        log.warning("consumer lag unavailable for the dashboard", exc_info=True)
        lag = []
    page = render(await reports.funnel_from(db, period, now, None), await reports.sla_from(db, period, now, 0),
                  await reports.attribution_from(db, period, "sales_ready", 10), plan,
                  {"target": target, "share": share, "deal": deal}, lag)
    return HTMLResponse(page)
