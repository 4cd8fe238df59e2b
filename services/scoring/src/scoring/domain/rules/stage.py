"""Where the agreement puts a lead: prospect -> marketing_lead -> sales_ready, or disqualified."""

from ..model import FitAssessment, LeadProfile, ScoreLine, StageDecision
from ..policy import ScoringPolicy
from .bant import bant_lines, bant_missing

_RANK = {"prospect": 0, "recycled": 0, "marketing_lead": 1, "sales_ready": 2}
# Stages sales owns (or final ones): scoring records behaviour but moves nothing.
_NOT_OURS = {"sales_ready", "sales_accepted", "opportunity", "won", "lost", "disqualified"}


def missing_for_handoff(profile: LeadProfile, required: list[str]) -> list[str]:
    values = {
        "email": profile.email,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "job_title": profile.job_title,
        "phone": profile.phone,
        "company.name": profile.company_name,
        "company.domain": profile.domain,
        "company.employees": profile.employees,
        "company.country": profile.country,
    }
    return [name for name in required if values.get(name) in (None, "")]


def _grade_ok(grade: str, minimum: str) -> bool:
    return grade <= minimum  # "A" < "B" < "C" < "D"


def target_stage(
    fit: FitAssessment,
    engagement: float,
    profile: LeadProfile,
    wants_contact: bool,
    policy: ScoringPolicy,
) -> tuple[str, str]:
    """The stage the agreement gives these facts, with the reason in words."""
    total = fit.score + engagement + sum(line.points for line in bant_lines(profile, policy))
    t = policy.thresholds
    if fit.exclusion:
        return "disqualified", f"Disqualified: {fit.exclusion}."
    if not fit.qualifies:
        return "prospect", f"Not a target customer: {_fit_problem(fit)}."
    missing = missing_for_handoff(profile, policy.required_for_handoff)
    if wants_contact and _grade_ok(fit.grade, policy.fast_lane.min_fit_grade) and not missing:
        return "sales_ready", f"Asked to be contacted by sales, with fit grade {fit.grade} (fast lane)."
    unanswered = bant_missing(profile, policy)
    if total >= t.sales_ready and not missing and not unanswered:
        return "sales_ready", f"Total {total:.0f} reached the sales-ready threshold of {t.sales_ready:.0f}."
    if total >= t.marketing_lead and profile.email:
        reason = f"Total {total:.0f} reached the marketing-lead threshold of {t.marketing_lead:.0f}"
        if total >= t.sales_ready and missing:
            reason += f"; sales-ready once these are known: {', '.join(missing)}"
        if total >= t.sales_ready and unanswered:
            reason += f"; sales-ready once {unanswered} more BANT answer(s) are given"
        return "marketing_lead", reason + "."
    return "prospect", f"Total {total:.0f} is under the marketing-lead threshold of {t.marketing_lead:.0f}."


def _fit_problem(fit: FitAssessment) -> str:
    size = next((line for line in fit.lines if line.rule == "fit.company_size"), None)
    return size.detail if size and size.detail else "profile does not fit"


def decide_stage(
    current: str,
    fit: FitAssessment,
    engagement: float,
    profile: LeadProfile,
    wants_contact: bool,
    policy: ScoringPolicy,
    evidence: tuple[ScoreLine, ...],
    current_touchpoint: bool = True,
) -> StageDecision | None:
    """The change of stage these facts call for, or None. Moves forward only, except that a
    marketing lead whose engagement decayed drops back, and anyone excluded is disqualified.
    Only a current touchpoint sends a lead to sales: not one from beyond the agreement's horizon
    (an old spreadsheet), not the mere passing of time (`current_touchpoint` False)."""
    if current == "disqualified":
        return None
    target, reason = target_stage(fit, engagement, profile, wants_contact, policy)
    if target == "sales_ready" and not current_touchpoint:
        target, reason = "marketing_lead", (f"{reason[:-1]}; sales-ready with the next current touchpoint"
                                            " (this one is historical or none came).")
    if target == "disqualified":
        return StageDecision(target, reason, fit.lines)
    if current in _NOT_OURS or target == current:
        return None
    if _RANK[target] > _RANK[current]:
        return StageDecision(target, reason, evidence)
    if current == "marketing_lead" and target == "prospect":
        return StageDecision("prospect", f"Engagement decayed: {reason}", evidence)
    return None
