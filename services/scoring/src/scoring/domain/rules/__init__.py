"""The scoring rules, each a pure function of plain data."""

from .bant import answered, bant_answers, bant_lines, bant_missing
from .behaviour import behaviour_lines, is_strong_signal, wants_sales_contact
from .decay import decayed, engagement_at, falls_below_at
from .fit import assess_fit, find_exclusion, find_persona, grade_for
from .stage import decide_stage, missing_for_handoff, target_stage

__all__ = [
    "answered", "bant_answers", "bant_lines", "bant_missing",
    "assess_fit", "behaviour_lines", "decayed", "decide_stage", "engagement_at", "falls_below_at", "find_exclusion",
    "find_persona", "grade_for", "is_strong_signal", "missing_for_handoff", "target_stage",
    "wants_sales_contact",
]
