"""Funnel figures from stage events: stages, flows, conversion, time in stage, recycling.

Definitions (also in docs/reporting.md): a lead *reaches* a funnel stage the first time it
enters that stage or a later one (a fast-lane lead reaches prospect, marketing lead and
sales-ready at once). Conversion A -> B for a period: of the leads that reached A in the period,
the share that has reached B by now. Flows count every transition (a recycled lead that becomes
sales-ready again is a second sales-ready episode); conversion counts each lead once.
"""

from collections import Counter, defaultdict
from datetime import datetime
from statistics import median

from .model import FUNNEL, RANK, History, Period, StageEvent


def reached(stages: list[StageEvent]) -> dict[str, dict[str, datetime]]:
    """Per lead, when it first reached each funnel stage."""
    out: dict[str, dict[str, datetime]] = defaultdict(dict)
    for e in sorted(stages, key=lambda e: e.at):
        if e.to_stage not in RANK:
            continue
        for stage in FUNNEL[: RANK[e.to_stage] + 1]:
            out[e.lead_id].setdefault(stage, e.at)
    return out


def stage_counts(stages: list[StageEvent], at: datetime) -> dict[str, int]:
    """Leads per current stage as of `at`."""
    latest: dict[str, StageEvent] = {}
    for e in sorted(stages, key=lambda e: e.at):
        if e.at <= at:
            latest[e.lead_id] = e
    return dict(Counter(e.to_stage for e in latest.values()))


def conversions(reach: dict[str, dict[str, datetime]], period: Period) -> dict[str, dict]:
    result = {}
    for a, b in zip(FUNNEL, FUNNEL[1:]):
        cohort = [lead for lead, r in reach.items() if a in r and period.holds(r[a])]
        converted = sum(1 for lead in cohort if b in reach[lead])
        result[f"{a}->{b}"] = {"from": len(cohort), "converted": converted, "rate": _rate(converted, len(cohort))}
    return result


def flows(stages: list[StageEvent], period: Period) -> dict[str, dict[str, int]]:
    inflow, outflow = Counter(), Counter()
    for e in stages:
        if period.holds(e.at):
            inflow[e.to_stage] += 1
            if e.from_stage:
                outflow[e.from_stage] += 1
    names = sorted(set(inflow) | set(outflow), key=lambda s: RANK.get(s, 99))
    return {s: {"in": inflow[s], "out": outflow[s]} for s in names}


def time_in_stage(stages: list[StageEvent], period: Period) -> dict[str, float]:
    """Median hours spent in a stage, over the stays that ended in the period."""
    by_lead: dict[str, list[StageEvent]] = defaultdict(list)
    for e in sorted(stages, key=lambda e: e.at):
        by_lead[e.lead_id].append(e)
    stays: dict[str, list[float]] = defaultdict(list)
    for events in by_lead.values():
        for entered, left in zip(events, events[1:]):
            if period.holds(left.at):
                stays[entered.to_stage].append((left.at - entered.at).total_seconds() / 3600)
    return {stage: round(median(hours), 2) for stage, hours in stays.items()}


def reason_category(reason: str) -> str:
    """'Disqualified: competitor: x is on the list.' -> 'competitor'; a CRM code stays itself."""
    text = reason.strip()
    for prefix in ("Disqualified:", "Rejected by sales:", "Recycled:"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    return (text.split(":", 1)[0].split(".", 1)[0].strip() or "unspecified")[:60]


def funnel(history: History, period: Period, now: datetime) -> dict:
    stages = history.stages
    reach = reached(stages)
    in_period = [e for e in stages if period.holds(e.at)]
    episodes = sum(1 for e in in_period if e.to_stage == "sales_ready")
    recycled = [e for e in in_period if e.to_stage == "recycled"]
    disqualified = [e for e in in_period if e.to_stage == "disqualified"]
    entered = {s: sum(1 for r in reach.values() if s in r and period.holds(r[s])) for s in FUNNEL}
    conv = conversions(reach, period)
    return {
        "leads_per_stage": stage_counts(stages, min(period.end, now)),
        "reached_in_period": entered,
        "flows": flows(stages, period),
        "conversion": conv,
        "time_in_stage_hours": time_in_stage(stages, period),
        "sales_ready_episodes": episodes,
        "recycled": {"count": len(recycled), "rate": _rate(len(recycled), episodes),
                     "reasons": dict(Counter(reason_category(e.reason) for e in recycled))},
        "disqualified": {"count": len(disqualified),
                         "reasons": dict(Counter(reason_category(e.reason) for e in disqualified))},
        "marketing": {"marketing_leads": entered["marketing_lead"], "sales_ready_leads": entered["sales_ready"],
                      "mql_to_srl": conv["marketing_lead->sales_ready"]["rate"]},
        "sales": {"accepted": entered["sales_accepted"], "opportunities": entered["opportunity"], "won": entered["won"],
                  "lost": sum(1 for e in in_period if e.to_stage == "lost"),
                  "accepted_to_opportunity": conv["sales_accepted->opportunity"]["rate"],
                  "win_rate": conv["opportunity->won"]["rate"]},
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
