"""A handoff: one lead, one sales-ready episode, handed to sales once."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lead_events import Stage

from .delivery import DeliveryStatus
from .sla import SlaDeadlines


@dataclass(frozen=True)
class Handoff:
    handoff_id: str
    lead_id: str
    episode: int
    stage: Stage
    handed_at: datetime
    deadlines: SlaDeadlines
    responded_at: datetime | None
    rep_id: str | None
    payload: dict[str, Any]  # the LeadHandedOff data as pushed to the CRM
    delivery_status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    correlation_id: str = ""
    team: str | None = None
    assignment: dict[str, Any] | None = None  # RepAssignment as JSON: who and why
    sla_next_check_at: datetime | None = None  # when the SLA watcher looks next; None: done
    budget_start: int = 0  # attempts made before the last redrive; the retry budget counts from here
