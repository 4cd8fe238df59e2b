"""BANT answers from progressive-profiling forms: they count toward readiness as agreed."""

from typing import Any

from ..model import LeadProfile, ScoreLine
from ..policy import ScoringPolicy


def bant_answers(properties: dict[str, Any], policy: ScoringPolicy) -> dict[str, str]:
    """The BANT answers a touchpoint carries, by dimension."""
    if policy.bant is None:
        return {}
    found = {}
    for dimension, prop in policy.bant.properties.items():
        value = properties.get(prop)
        if value not in (None, "") and not isinstance(value, dict | list):
            found[dimension] = str(value).strip()[:200]
    return found


def answered(profile: LeadProfile, policy: ScoringPolicy) -> list[str]:
    """Dimensions with an answer that is not a 'no'."""
    if policy.bant is None:
        return []
    negative = {a.lower() for a in policy.bant.negative_answers}
    return [d for d, a in profile.bant.items() if d in policy.bant.points and a.strip().lower() not in negative]


def bant_lines(profile: LeadProfile, policy: ScoringPolicy) -> list[ScoreLine]:
    if policy.bant is None:
        return []
    return [
        ScoreLine(f"bant.{d}", policy.bant.points[d], detail=f"{d}: {profile.bant[d]}")
        for d in answered(profile, policy)
    ]


def bant_missing(profile: LeadProfile, policy: ScoringPolicy) -> int:
    """How many more answered dimensions the agreement wants before sales-ready."""
    if policy.bant is None:
        return 0
    return max(policy.bant.required_for_sales_ready - len(answered(profile, policy)), 0)
