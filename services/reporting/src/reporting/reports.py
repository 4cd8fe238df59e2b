"""The figures the API, the CSV export and the dashboard show: one place computes them.

Requests use the `*_from(db, ...)` functions, which let PostgreSQL group the period's rows
(adapters/report_queries.py). The functions over a whole `History` are the definitions those
are tested against (tests/integration/reporting/test_sql_matches_definitions.py)."""

from datetime import UTC, datetime, timedelta

from .adapters.report_queries import SqlReports
from .domain.attribution import attribution, touches_kept
from .domain.figures import FunnelCounts, funnel_figures, sla_summary
from .domain.funnel import funnel
from .domain.funnel_days import with_counts
from .domain.model import History, Period
from .domain.planner import OutOfRange, PlanInput, plan
from .domain.slicing import groups_of, restricted
from .domain.sla import sla_report

RATE_KEYS = {
    "marketing_lead_to_sales_ready": "marketing_lead->sales_ready",
    "sales_ready_to_sales_accepted": "sales_ready->sales_accepted",
    "sales_accepted_to_opportunity": "sales_accepted->opportunity",
    "opportunity_to_won": "opportunity->won",
}


def funnel_report(history: History, period: Period, now: datetime, by: str | None) -> dict:
    report = {"period": _period(period), "overall": funnel(history, period, now)}
    if by:
        report["by"] = by
        report["groups"] = {
            name: funnel(restricted(history, leads), period, now)
            for name, leads in sorted(groups_of(history, by).items())
        }
    return report


def sla(history: History, period: Period, now: datetime) -> dict:
    return {"period": _period(period), **sla_report(history.handoffs, period, now)}


def attribution_report(history: History, period: Period, stage: str, touches_pruned_before: datetime | None = None) -> dict:
    return {"period": _period(period), **attribution(history, stage, period),
            **touches_kept(period, touches_pruned_before)}


def measured(history: History, now: datetime, weeks: int = 13) -> tuple[dict[str, float | None], dict[str, float]]:
    """Conversion rates and leads reached per week over the last `weeks` weeks."""
    period = Period(now - timedelta(weeks=weeks), now)
    f = funnel(history, period, now)
    rates = {key: f["conversion"][conv]["rate"] for key, conv in RATE_KEYS.items()}
    per_week = {stage: n / weeks for stage, n in f["reached_in_period"].items()}
    return rates, per_week


def plan_report(history: History, now: datetime, target: float, share: float, deal: float,
                rates: dict[str, float | None]) -> dict:
    return _plan(*measured(history, now), target, share, deal, rates)


def _plan(measured_rates: dict[str, float | None], per_week: dict[str, float], target: float, share: float,
          deal: float, rates: dict[str, float | None]) -> dict:
    used = {k: rates.get(k) or measured_rates.get(k) for k in RATE_KEYS}
    missing = [k for k, v in used.items() if not v]
    if missing:
        return {"error": "missing_rates", "missing": missing, "measured_rates": measured_rates}
    try:
        result = plan(PlanInput(target, share, deal, used), per_week)
    except OutOfRange as exc:
        return {"error": "out_of_range", "detail": str(exc)}
    return {"rates_used": used, "rates_measured": measured_rates, "run_rate_weeks": 13, **result}


def _period(period: Period) -> dict:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


# What the database's timestamps hold in UTC, a day inside either end: `from=0001-01-01T00:00+14:00`
# lies in the year 0 in UTC. No event lies outside, so the figures are the period's as asked.
_EARLIEST, _LATEST = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)


def _storable(period: Period) -> Period:
    start = min(max(period.start, _EARLIEST), _LATEST)
    return Period(start, max(min(period.end, _LATEST), start))


async def funnel_from(db: SqlReports, period: Period, now: datetime, by: str | None) -> dict:
    report = {"period": _period(period), "overall": (await _funnels(db, "all", _storable(period), now))[""]}
    if by:
        report["by"] = by
        figures = await _funnels(db, by, _storable(period), now)
        report["groups"] = {name: figures.get(name, funnel_figures(FunnelCounts())) for name in await db.group_names(by)}
    return report


async def _funnels(db: SqlReports, dimension: str, period: Period, now: datetime) -> dict[str, dict]:
    """Each group's funnel (dimension "all": the one group "")."""
    counts: dict[str, FunnelCounts] = {}

    def of(grp: str) -> FunnelCounts:
        return counts.setdefault(grp, FunnelCounts())

    for grp, stages in (await db.leads_per_stage(dimension, min(period.end, now))).items():
        of(grp).leads_per_stage = stages
    for grp, tallied in (await db.funnel_counts(dimension, period)).items():
        with_counts(of(grp), tallied)
    for grp, middles in (await db.stay_middles(dimension, period)).items():
        of(grp).stay_middles = middles
    if dimension == "all":
        of("")  # the whole funnel is there even when empty
    return {grp: funnel_figures(c) for grp, c in counts.items()}


async def sla_from(db: SqlReports, period: Period, now: datetime, limit: int) -> dict:
    """As `sla`, with at most `limit` open breaches listed (`open_breaches_listed` says how many)."""
    summaries = {"all": {}, "rep": {}, "team": {}}
    asked, period = period, _storable(period)
    for by, name, *counts in await db.sla_counts(period, now):
        summaries[by][name] = sla_summary(*counts)
    overall = summaries["all"].get("") or sla_summary(0, 0, 0, 0, 0, 0, 0)
    listed = await db.open_breaches(period, now, limit)
    return {"period": _period(asked), "overall": overall,
            "by_rep": dict(sorted(summaries["rep"].items())), "by_team": dict(sorted(summaries["team"].items())),
            "open_breaches": listed,
            "open_breaches_listed": {"count": len(listed), "limit": limit,
                                     "complete": len(listed) == overall["open_breaches"]}}


async def attribution_from(db: SqlReports, period: Period, stage: str, limit: int | None = None) -> dict:
    """As `attribution`, with at most `limit` items listed, the most linear credit first
    (`items_listed` says how many and whether that is all of them); `leads` counts every lead;
    `touches_complete` is false when the period starts before the touches' retention cutoff."""
    rows = sorted(await db.attribution(stage, _storable(period)), key=lambda r: (-r[3], r[0]))
    listed = rows if limit is None else rows[:limit]
    report = {"period": _period(period), "stage": stage, "leads": sum(first for _, first, _, _ in rows),
              "items": [{"item": item, "first_touch": round(float(first), 3), "last_touch": round(float(last), 3),
                         "linear": round(linear, 3)} for item, first, last, linear in listed],
              **touches_kept(period, await db.touches_pruned_before())}
    if limit is not None:
        report["items_listed"] = {"count": len(listed), "limit": limit, "items": len(rows),
                                  "complete": len(listed) == len(rows)}
    return report


async def plan_from(db: SqlReports, now: datetime, target: float, share: float, deal: float,
                    rates: dict[str, float | None], weeks: int = 13) -> dict:
    """As `plan_report`: the measured rates and weekly run rate over the last 13 weeks."""
    tallied = (await db.funnel_counts("all", Period(now - timedelta(weeks=weeks), now))).get("", {})
    figures = funnel_figures(with_counts(FunnelCounts(), tallied))
    measured_rates = {key: figures["conversion"][conv]["rate"] for key, conv in RATE_KEYS.items()}
    per_week = {stage: n / weeks for stage, n in figures["reached_in_period"].items()}
    return _plan(measured_rates, per_week, target, share, deal, rates)
