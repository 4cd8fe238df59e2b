"""The funnel and SLA figures from counts the database grouped (adapters/report_queries.py),
shaped and rounded as funnel.py and sla.py shape them from the whole history."""

from dataclasses import dataclass, field
from statistics import median

from .funnel import _rate, reason_category
from .model import FUNNEL, RANK


@dataclass
class FunnelCounts:
    """One group's counts: leads per latest stage; per funnel rank (leads that reached it in the
    period, of them converted to the next); transitions in and out; the middle stays' hours;
    raw reasons per stage (recycled, disqualified)."""

    leads_per_stage: dict[str, int] = field(default_factory=dict)
    reach: dict[int, tuple[int, int]] = field(default_factory=dict)
    flows: dict[str, dict[str, int]] = field(default_factory=lambda: {"in": {}, "out": {}})
    stay_middles: dict[str, list[float]] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)


def funnel_figures(c: FunnelCounts) -> dict:
    entered = {s: c.reach.get(k, (0, 0))[0] for k, s in enumerate(FUNNEL)}
    conv = {}
    for k, (a, b) in enumerate(zip(FUNNEL, FUNNEL[1:])):
        cohort, converted = c.reach.get(k, (0, 0))
        conv[f"{a}->{b}"] = {"from": cohort, "converted": converted, "rate": _rate(converted, cohort)}
    inflow, outflow = c.flows["in"], c.flows["out"]
    names = sorted(set(inflow) | set(outflow), key=lambda s: (RANK.get(s, 99), s))
    episodes = inflow.get("sales_ready", 0)
    recycled, disqualified = inflow.get("recycled", 0), inflow.get("disqualified", 0)
    return {
        "leads_per_stage": dict(c.leads_per_stage),
        "reached_in_period": entered,
        "flows": {s: {"in": inflow.get(s, 0), "out": outflow.get(s, 0)} for s in names},
        "conversion": conv,
        "time_in_stage_hours": {s: round(median(hours), 2) for s, hours in c.stay_middles.items()},
        "sales_ready_episodes": episodes,
        "recycled": {"count": recycled, "rate": _rate(recycled, episodes), "reasons": _categories(c.reasons.get("recycled", {}))},
        "disqualified": {"count": disqualified, "reasons": _categories(c.reasons.get("disqualified", {}))},
        "marketing": {"marketing_leads": entered["marketing_lead"], "sales_ready_leads": entered["sales_ready"],
                      "mql_to_srl": conv["marketing_lead->sales_ready"]["rate"]},
        "sales": {"accepted": entered["sales_accepted"], "opportunities": entered["opportunity"], "won": entered["won"],
                  "lost": inflow.get("lost", 0),
                  "accepted_to_opportunity": conv["sales_accepted->opportunity"]["rate"],
                  "win_rate": conv["opportunity->won"]["rate"]},
    }


def _categories(reasons: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for reason, n in sorted(reasons.items()):
        category = reason_category(reason)
        out[category] = out.get(category, 0) + n
    return out


def sla_summary(handed_off: int, in_time: int, decided_first: int, kept: int, decided_hard: int,
                open_breaches: int, awaiting: int) -> dict:
    return {
        "handed_off": handed_off,
        "within_first_contact": in_time,
        "first_contact_rate": round(in_time / decided_first, 4) if decided_first else None,
        "within_hard_limit": kept,
        "hard_limit_rate": round(kept / decided_hard, 4) if decided_hard else None,
        "open_breaches": open_breaches,
        "awaiting_contact": awaiting,
    }
