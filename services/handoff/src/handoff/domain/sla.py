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


class Deadline(StrEnum):
    FIRST_CONTACT = "first_contact"
    HARD_LIMIT = "hard_limit"


def missed_deadlines(
    deadlines: SlaDeadlines, responded_at: datetime | None, now: datetime
) -> list[tuple[Deadline, datetime]]:
    """Deadlines that passed without an answer from sales, earliest first."""
    if responded_at is not None:
        return []
    found = [(Deadline.FIRST_CONTACT, deadlines.first_contact_due), (Deadline.HARD_LIMIT, deadlines.hard_limit)]
    return sorted(((kind, due) for kind, due in found if due < now), key=lambda pair: pair[1])


def next_check(deadlines: SlaDeadlines, responded_at: datetime | None, now: datetime) -> datetime | None:
    """When the watcher must look again: the next deadline still ahead; None once there is none."""
    if responded_at is not None:
        return None
    ahead = [due for due in (deadlines.first_contact_due, deadlines.hard_limit) if due >= now]
    return min(ahead) if ahead else None


def should_reassign(kind: Deadline, deadlines: SlaDeadlines, now: datetime, policy: HandoffPolicy) -> bool:
    """Reassign only for the agreed deadlines, and only while the hard limit is still ahead:
    a new rep needs time for the first contact."""
    return kind in policy.reassign_on and now < deadlines.hard_limit


def reassigned_deadlines(deadlines: SlaDeadlines, now: datetime, policy: HandoffPolicy) -> SlaDeadlines:
    """The new rep gets a fresh first-contact window; the hard limit of the handoff stays."""
    return SlaDeadlines(min(now + policy.first_contact_within, deadlines.hard_limit), deadlines.hard_limit)
