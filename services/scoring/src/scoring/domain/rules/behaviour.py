"""Behaviour points for one touchpoint: base points, depth extras, caps per type and period."""

from ..model import Activity, ScoreLine
from ..policy import ScoringPolicy
from .caps import capped


def _depth_lines(activity: Activity, policy: ScoringPolicy) -> list[ScoreLine]:
    lines = []
    for prop, depth in policy.behaviour.depth.items():
        value = activity.properties.get(prop)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            continue
        points = min(value * depth.points_each, depth.max)
        lines.append(
            ScoreLine(f"behaviour.depth.{prop}", points, activity.touchpoint_id, f"{value} {prop.replace('_', ' ')}", activity.occurred_at)
        )
    return lines


def behaviour_lines(
    activity: Activity, earlier: list[ScoreLine], policy: ScoringPolicy
) -> list[ScoreLine]:
    """Ledger entries for `activity`; `earlier` holds this lead's behaviour entries so far (for a
    capped type, all of the cap period's). A late touchpoint under a cap may also correct the
    later ones of its period (lines with their touchpoint ids, see `caps`)."""
    base = policy.behaviour.points.get(activity.type, 0)
    rule = f"behaviour.{activity.type}"
    cap = policy.behaviour.caps.get(activity.type)
    corrections: list[ScoreLine] = []
    if cap is not None and base > 0:
        base, corrections = capped(activity, base, cap, rule, earlier)
    lines = []
    if base:
        strong = is_strong_signal(activity.type, policy)
        detail = activity.type.replace("_", " ") + (" (strong buying signal)" if strong else "")
        lines.append(ScoreLine(rule, base, activity.touchpoint_id, detail, activity.occurred_at, strong))
    return lines + _depth_lines(activity, policy) + corrections


def is_strong_signal(activity_type: str, policy: ScoringPolicy) -> bool:
    return activity_type in policy.behaviour.strong_signals


_YES = {"yes", "ja", "true", "1"}
_NO = {"no", "nein", "false", "0"}


def wants_sales_contact(activity: Activity, policy: ScoringPolicy) -> bool:
    """An explicit wish to talk to sales: a contact request, or the form's 'may sales contact me?'
    answered yes. A "no" to that question wins over the touchpoint type: nobody who said
    "don't call me" is handed to sales by the fast lane."""
    answer = activity.properties.get(policy.fast_lane.form_property)
    if answer is False or (isinstance(answer, str) and answer.strip().lower() in _NO):
        return False
    if activity.type in policy.fast_lane.touchpoints:
        return True
    return answer is True or (isinstance(answer, str) and answer.strip().lower() in _YES)
