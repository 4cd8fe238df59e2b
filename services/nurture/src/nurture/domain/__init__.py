"""Nurture's pure rules: no I/O, no framework; time comes in as `now`."""

from .cadence import next_step, plan_next, why_nothing
from .catalogue import FALLBACK_PERSONA, Catalogue, ContactLimits
from .lead import answers_step, apply_stage_change, apply_touchpoint, content_taken_up
from .model import (
    NURTURING_STAGES, WITH_SALES_STAGES, Blocker, ContentItem, LeadState, NextStep, NothingDue, Plan, SentStep,
)

__all__ = [
    "next_step", "plan_next", "why_nothing",
    "FALLBACK_PERSONA", "Catalogue", "ContactLimits",
    "answers_step", "apply_stage_change", "apply_touchpoint", "content_taken_up",
    "NURTURING_STAGES", "WITH_SALES_STAGES", "Blocker", "ContentItem", "LeadState", "NextStep",
    "NothingDue", "Plan", "SentStep",
]
