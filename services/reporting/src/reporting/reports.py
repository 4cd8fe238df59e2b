"""The figures the API, the CSV export and the dashboard show: one place computes them."""

from datetime import datetime, timedelta

from .domain.attribution import attribution
from .domain.funnel import funnel
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


def attribution_report(history: History, period: Period, stage: str) -> dict:
    return {"period": _period(period), **attribution(history, stage, period)}


def measured(history: History, now: datetime, weeks: int = 13) -> tuple[dict[str, float | None], dict[str, float]]:
    """Conversion rates and leads reached per week over the last `weeks` weeks."""
    period = Period(now - timedelta(weeks=weeks), now)
    f = funnel(history, period, now)
    rates = {key: f["conversion"][conv]["rate"] for key, conv in RATE_KEYS.items()}
    per_week = {stage: n / weeks for stage, n in f["reached_in_period"].items()}
    return rates, per_week


def plan_report(history: History, now: datetime, target: float, share: float, deal: float,
                rates: dict[str, float | None]) -> dict:
    measured_rates, per_week = measured(history, now)
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
