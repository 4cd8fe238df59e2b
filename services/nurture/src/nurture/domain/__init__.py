"""Nurture's pure rules: no I/O, no framework; time comes in as `now`."""

from .cadence import has_double_opt_in, next_step, plan_next, why_nothing
from .catalogue import FALLBACK_PERSONA, Catalogue, ContactLimits
from .journeys import journeys_started
from .lead import answers_step, apply_stage_change, apply_touchpoint, content_taken_up, erased, rejection_reason
from .model import (
    NURTURING_STAGES, WITH_SALES_STAGES, Blocker, ContentItem, JourneyRun, LeadState, NextStep, NothingDue, Plan,
    SentStep,
)
from .policy import ConsentPolicy, Journey, JourneyStep, Profiling, QuietHours
from .profiling import known_from_answers, known_from_contact

__all__ = [
    "has_double_opt_in", "next_step", "plan_next", "why_nothing",
    "FALLBACK_PERSONA", "Catalogue", "ContactLimits", "journeys_started",
    "answers_step", "apply_stage_change", "apply_touchpoint", "content_taken_up", "erased", "rejection_reason",
    "NURTURING_STAGES", "WITH_SALES_STAGES", "Blocker", "ContentItem", "JourneyRun", "LeadState", "NextStep",
    "NothingDue", "Plan", "SentStep",
    "ConsentPolicy", "Journey", "JourneyStep", "Profiling", "QuietHours",
    "known_from_answers", "known_from_contact",
]
