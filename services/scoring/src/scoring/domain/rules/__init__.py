"""The scoring rules, each a pure function of plain data."""

from .behaviour import behaviour_lines, is_strong_signal, wants_sales_contact
from .decay import decayed, engagement_at
from .fit import assess_fit, find_exclusion, find_persona, grade_for
from .stage import decide_stage, missing_for_handoff, target_stage

__all__ = [
    "assess_fit", "behaviour_lines", "decayed", "decide_stage", "engagement_at", "find_exclusion",
    "find_persona", "grade_for", "is_strong_signal", "missing_for_handoff", "target_stage",
    "wants_sales_contact",
]
