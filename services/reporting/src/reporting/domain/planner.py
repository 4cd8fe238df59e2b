"""The reverse-funnel planner: from a revenue target back to the leads needed.

needed wins = target x marketing share / average deal; each earlier stage = the next one /
the conversion rate between them. Figures per year, quarter (/4) and week (/52) are exact;
`to_plan` rounds each exact figure up (a lead is whole), independently per period, so a
quarter's rounded figure is never less than a quarter of the year's exact one."""

import math
from dataclasses import dataclass

STEPS = (  # stage needed, and the rate that turns the previous (earlier) stage into it
    ("won", None),
    ("opportunity", "opportunity_to_won"),
    ("sales_accepted", "sales_accepted_to_opportunity"),
    ("sales_ready", "sales_ready_to_sales_accepted"),
    ("marketing_lead", "marketing_lead_to_sales_ready"),
)
PERIODS = {"year": 1, "quarter": 4, "week": 52}


@dataclass(frozen=True)
class PlanInput:
    revenue_target_eur: float  # per year
    marketing_share: float      # of the revenue that marketing should source, 0..1
    average_deal_eur: float
    rates: dict[str, float]     # keys as in STEPS; each 0 < rate <= 1


class OutOfRange(ValueError):
    """The figures needed are beyond any number (a huge target over a tiny deal or tiny rates)."""


def plan(given: PlanInput, run_rate_per_week: dict[str, float] | None = None) -> dict:
    needed = {"won": given.revenue_target_eur * given.marketing_share / given.average_deal_eur}
    later = "won"
    for stage, rate_key in STEPS[1:]:
        needed[stage] = needed[later] / given.rates[rate_key]
        later = stage
    if not all(math.isfinite(n) for n in needed.values()):
        raise OutOfRange("The leads needed exceed any number: check the target, the average deal and the rates.")
    out = {}
    for stage, yearly in needed.items():
        row = {}
        for period, divisor in PERIODS.items():
            exact = yearly / divisor
            row[period] = {"exact": round(exact, 2), "to_plan": math.ceil(round(exact, 9))}
        if run_rate_per_week is not None:
            current = run_rate_per_week.get(stage, 0.0)
            row["run_rate_per_week"] = round(current, 2)
            row["gap_per_week"] = round(row["week"]["exact"] - current, 2)
            row["on_track"] = current >= row["week"]["exact"]
        out[stage] = row
    return {"needed": out, "marketing_revenue_eur": round(given.revenue_target_eur * given.marketing_share, 2)}
