"""The sales follow-up SLA: first contact within N minutes, at the latest within the hard limit."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .policy import HandoffPolicy


class SlaState(StrEnum):
    DUE = "due"
    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True)
class SlaDeadlines:
    first_contact_due: datetime
    hard_limit: datetime


@dataclass(frozen=True)
class SlaStatus:
    status: SlaState  # overall: breached if any deadline was missed
    first_contact: SlaState
    hard_limit: SlaState


def sla_deadlines(handed_at: datetime, policy: HandoffPolicy) -> SlaDeadlines:
    return SlaDeadlines(handed_at + policy.first_contact_within, handed_at + policy.hard_limit)


def _deadline_state(deadline: datetime, responded_at: datetime | None, now: datetime) -> SlaState:
    if responded_at is not None:
        return SlaState.MET if responded_at <= deadline else SlaState.BREACHED
    return SlaState.DUE if now <= deadline else SlaState.BREACHED


def sla_status(deadlines: SlaDeadlines, responded_at: datetime | None, now: datetime) -> SlaStatus:
    """`responded_at`: when sales first answered (accepted, opportunity or a rejection)."""
    first = _deadline_state(deadlines.first_contact_due, responded_at, now)
    hard = _deadline_state(deadlines.hard_limit, responded_at, now)
    if SlaState.BREACHED in (first, hard):
        overall = SlaState.BREACHED
    else:
        overall = SlaState.MET if responded_at is not None else SlaState.DUE
    return SlaStatus(overall, first, hard)
