"""Each report as a spreadsheet table holding every figure its JSON has (docs/reporting.md lists
where each one is). The dialect (plain or German Excel) is applied by lead_runtime.csv_dialect."""

from .domain.model import FUNNEL
from .domain.planner import STEPS

# Stages outside the funnel that the JSON counts (recycled and disqualified with their reasons, lost).
OTHER_STAGES = ("recycled", "disqualified", "lost")


def funnel_table(report: dict) -> list[list]:
    rows = [["group", "stage", "reason", "leads_now", "reached_in_period", "in", "out", "converted_to_next",
             "conversion_to_next", "median_hours_in_stage", "recycle_rate", "period_from", "period_to"]]
    period = [report["period"]["from"], report["period"]["to"]]
    for name, f in {"(all)": report["overall"], **report.get("groups", {})}.items():
        for stage in _stages(f):
            conv = _conversion_from(f, stage)
            flow = f["flows"].get(stage, {"in": 0, "out": 0})
            rate = f["recycled"]["rate"] if stage == "recycled" else None
            rows.append([name, stage, None, f["leads_per_stage"].get(stage, 0), f["reached_in_period"].get(stage),
                         flow["in"], flow["out"], conv.get("converted"), conv.get("rate"),
                         f["time_in_stage_hours"].get(stage), rate, *period])
            reasons = f[stage]["reasons"] if stage in ("recycled", "disqualified") else {}
            for reason, count in reasons.items():  # they split the stage's inflow: the count goes under `in`
                rows.append([name, stage, reason, None, None, count, None, None, None, None, None, *period])
    return rows


def _stages(f: dict) -> list[str]:
    seen = set(f["leads_per_stage"]) | set(f["flows"]) | set(f["time_in_stage_hours"])
    extra = sorted(seen - set(FUNNEL) - set(OTHER_STAGES))
    return [*FUNNEL, *OTHER_STAGES, *extra]


def _conversion_from(f: dict, stage: str) -> dict:
    if stage not in FUNNEL or stage == FUNNEL[-1]:
        return {}
    return f["conversion"].get(f"{stage}->{FUNNEL[FUNNEL.index(stage) + 1]}", {})


def sla_table(report: dict) -> list[list]:
    rows = [["by", "name", "handed_off", "within_first_contact", "first_contact_rate", "within_hard_limit",
             "hard_limit_rate", "open_breaches", "awaiting_contact", "period_from", "period_to"]]
    groups = [("all", "(all)", report["overall"]), *(("rep", rep, s) for rep, s in report["by_rep"].items()),
              *(("team", team, s) for team, s in report["by_team"].items())]
    for by, name, s in groups:
        rows.append([by, name, s["handed_off"], s["within_first_contact"], s["first_contact_rate"],
                     s["within_hard_limit"], s["hard_limit_rate"], s["open_breaches"], s["awaiting_contact"],
                     report["period"]["from"], report["period"]["to"]])
    return rows


def attribution_table(report: dict) -> list[list]:
    """One row per item; the last row, `(total)`, is the number of leads, which each model's credits sum to.
    Each row also says whether the period's touches are complete (a retention purged none of them)."""
    period = [report["period"]["from"], report["period"]["to"], report["touches_complete"], report["touches_pruned_before"]]
    rows = [["stage", "item", "first_touch", "last_touch", "linear", "period_from", "period_to", "touches_complete",
             "touches_pruned_before"]]
    rows += [[report["stage"], i["item"], i["first_touch"], i["last_touch"], i["linear"], *period] for i in report["items"]]
    leads = report["leads"]
    return rows + [[report["stage"], "(total)", leads, leads, leads, *period]]


def plan_table(report: dict) -> list[list]:
    rate_of = {stage: key for stage, key in STEPS if key}  # the rate from this stage to the next
    rows = [["stage", "per_year", "to_plan_per_year", "per_quarter", "to_plan_per_quarter", "per_week",
             "to_plan_per_week", "run_rate_per_week", "gap_per_week", "on_track", "rate_to_next_used",
             "rate_to_next_measured", "revenue_eur", "run_rate_weeks"]]
    for stage, r in report["needed"].items():
        key = rate_of.get(stage)
        rows.append([stage, r["year"]["exact"], r["year"]["to_plan"], r["quarter"]["exact"], r["quarter"]["to_plan"],
                     r["week"]["exact"], r["week"]["to_plan"], r.get("run_rate_per_week"), r.get("gap_per_week"),
                     r.get("on_track"), report["rates_used"].get(key), report["rates_measured"].get(key),
                     report["marketing_revenue_eur"] if stage == "won" else None, report["run_rate_weeks"]])
    return rows
