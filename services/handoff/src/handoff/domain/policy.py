"""The part of the marketing-sales agreement that handoff executes, as plain data."""

from dataclasses import dataclass, field
from datetime import timedelta

DISQUALIFYING_REASONS = frozenset({"competitor", "never_a_buyer", "invalid", "student", "consultant"})


@dataclass(frozen=True)
class HandoffPolicy:
    version: str = "default"
    first_contact_within: timedelta = timedelta(minutes=30)
    hard_limit: timedelta = timedelta(hours=24)
    disqualifying_reasons: frozenset[str] = field(default=DISQUALIFYING_REASONS)
    max_attempts: int = 8
    reassign_on: frozenset[str] = frozenset()  # deadlines (first_contact, hard_limit) whose breach reassigns
    # how far a CRM answer's `at` may lie ahead of our clock (agreement.yaml, history.clock_skew_minutes)
    clock_skew: timedelta = timedelta(minutes=5)
