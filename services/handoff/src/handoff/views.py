"""The read side: what `GET /v1/handoffs/{lead_id}` shows about a lead's handoffs."""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlHandoffs
from .adapters.sla_store import SqlSla
from .domain.sla import sla_status


async def handoff_report(session: AsyncSession, lead_id: str, now: datetime) -> dict[str, Any] | None:
    repo = SqlHandoffs(session)
    found = await repo.for_lead(lead_id)
    if not found:
        return None
    attempts = await repo.attempts_of([h.handoff_id for h in found])
    feedback = await repo.feedback_of(lead_id)
    breaches = await SqlSla(session).breaches_of([h.handoff_id for h in found])
    return {
        "lead_id": lead_id,
        "handoffs": [
            {
                "handoff_id": h.handoff_id,
                "episode": h.episode,
                "handed_at": h.handed_at,
                "handed_to": {"system": "crm", "rep_id": h.rep_id, "team": h.team},
                "assignment": h.assignment,
                "stage": h.stage.value,
                "reason": h.payload.get("reason"),
                "delivery": {
                    "status": h.delivery_status.value,
                    "attempts": [
                        {"attempt": a.attempt, "at": a.at, "status_code": a.status_code, "error": a.error,
                         "result": a.result}
                        for a in attempts
                        if a.handoff_id == h.handoff_id
                    ],
                    "next_attempt_at": h.next_attempt_at,
                    "delivered_at": h.delivered_at,
                },
                "sla": _sla(h, now, [b for b in breaches if b.handoff_id == h.handoff_id]),
                "feedback": [_feedback(f) for f in feedback if f.handoff_id == h.handoff_id],
            }
            for h in found
        ],
        "unmatched_feedback": [_feedback(f) for f in feedback if f.handoff_id is None],
    }


def _sla(h: Any, now: datetime, breaches: list[Any]) -> dict[str, Any]:
    status = sla_status(h.deadlines, h.responded_at, now)
    missed = {b.deadline for b in breaches}  # a reassignment moves the deadline, not the record
    return {
        "first_contact_due": h.deadlines.first_contact_due,
        "hard_limit": h.deadlines.hard_limit,
        "responded_at": h.responded_at,
        "status": "breached" if missed else status.status.value,
        "first_contact": "breached" if "first_contact" in missed else status.first_contact.value,
        "hard_limit_status": "breached" if "hard_limit" in missed else status.hard_limit.value,
        "next_check_at": h.sla_next_check_at,
        "escalations": [
            {"deadline": b.deadline, "due_at": b.due_at, "detected_at": b.detected_at, "rep_id": b.rep_id,
             "escalated_to": b.escalated_to, "reassigned_to": b.reassigned_to}
            for b in breaches
        ],
    }


def _feedback(f: Any) -> dict[str, Any]:
    return {
        "received_at": f.received_at,
        "source": f.source,
        "outcome": f.outcome,
        "reason": f.reason,
        "rep_id": f.rep_id,
        "at": f.at,
        "result": f.result,
        "from_stage": f.from_stage,
        "to_stage": f.to_stage,
        "detail": f.detail,
    }
