"""The figures the API, the CSV export and the dashboard show: one place computes them."""

from datetime import datetime, timedelta

from .domain.attribution import attribution
from .domain.funnel import funnel
from .domain.model import FUNNEL, History, Period
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


def funnel_csv(report: dict) -> list[list]:
    rows = [["group", "stage", "leads_now", "reached_in_period", "in", "out", "conversion_to_next", "median_hours_in_stage"]]
    groups = {"(all)": report["overall"], **report.get("groups", {})}
    for name, f in groups.items():
        for i, stage in enumerate(FUNNEL):
            nxt = f["conversion"].get(f"{stage}->{FUNNEL[i + 1]}", {}) if i + 1 < len(FUNNEL) else {}
            flow = f["flows"].get(stage, {"in": 0, "out": 0})
            rows.append([name, stage, f["leads_per_stage"].get(stage, 0), f["reached_in_period"][stage],
                         flow["in"], flow["out"], nxt.get("rate"), f["time_in_stage_hours"].get(stage)])
    return rows


def sla(history: History, period: Period, now: datetime) -> dict:
    return {"period": _period(period), **sla_report(history.handoffs, period, now)}


def sla_csv(report: dict) -> list[list]:
    rows = [["rep", "handed_off", "within_first_contact", "first_contact_rate", "within_hard_limit", "hard_limit_rate", "open_breaches"]]
    for rep, s in {"(all)": report["overall"], **report["by_rep"]}.items():
        rows.append([rep, s["handed_off"], s["within_first_contact"], s["first_contact_rate"],
                     s["within_hard_limit"], s["hard_limit_rate"], s["open_breaches"]])
    return rows


def attribution_report(history: History, period: Period, stage: str) -> dict:
    return {"period": _period(period), **attribution(history, stage, period)}


def attribution_csv(report: dict) -> list[list]:
    return [["item", "first_touch", "last_touch", "linear"]] + [
        [i["item"], i["first_touch"], i["last_touch"], i["linear"]] for i in report["items"]
    ]


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


def plan_csv(report: dict) -> list[list]:
    rows = [["stage", "per_year", "per_quarter", "per_week", "to_plan_per_week", "run_rate_per_week", "on_track"]]
    for stage, r in report["needed"].items():
        rows.append([stage, r["year"]["exact"], r["quarter"]["exact"], r["week"]["exact"], r["week"]["to_plan"],
                     r.get("run_rate_per_week"), r.get("on_track")])
    return rows


def _period(period: Period) -> dict:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}
