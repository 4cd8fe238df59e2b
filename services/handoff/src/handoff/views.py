"""The read side: what `GET /v1/handoffs/{lead_id}` (and `/feedback`) shows about a lead's handoffs."""

from datetime import datetime
from typing import Any

from lead_runtime.paging import next_cursor
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.repository import SqlHandoffs
from .adapters.sla_store import SqlSla
from .domain.sla import sla_status


HANDOFFS_PAGE_MAX = 100
ROWS_SHOWN = 50  # a handoff's latest delivery attempts and CRM answers shown with it


async def handoff_report(session: AsyncSession, lead_id: str, now: datetime, limit: int = 20,
                         before_episode: int | None = None) -> dict[str, Any] | None:
    """A page of the lead's handoffs: the newest `limit` (before `before_episode`), listed in episode
    order as ever, each with its latest attempts and answers; None when the lead was never handed
    over. Five statements, whatever the lead's history."""
    repo = SqlHandoffs(session)
    rows = await repo.for_lead(lead_id, limit + 1, before_episode)
    if not rows and before_episode is None:
        return None
    found = rows[:limit][::-1]
    ids = [h.handoff_id for h in found]
    attempts = _by_handoff(await repo.latest_attempts(ids, ROWS_SHOWN + 1))
    feedback = _by_handoff(await repo.latest_feedback(ids, ROWS_SHOWN + 1))
    unmatched = await repo.feedback_page(lead_id, ROWS_SHOWN + 1, unmatched=True)
    breaches = await SqlSla(session).breaches_of(ids)
    return {
        "lead_id": lead_id,
        "handoffs": [_handoff(h, now, attempts.get(h.handoff_id, []), feedback.get(h.handoff_id, []),
                              [b for b in breaches if b.handoff_id == h.handoff_id]) for h in found],
        "unmatched_feedback": [_feedback(f) for f in unmatched[:ROWS_SHOWN][::-1]],
        "unmatched_feedback_truncated": len(unmatched) > ROWS_SHOWN,
        "limit": limit,
        "next": next_cursor(rows, limit, lambda h: (h.episode,)),
    }


def _by_handoff(rows: list[Any]) -> dict[str, list[Any]]:
    """Rows read newest first, per handoff."""
    found: dict[str, list[Any]] = {}
    for r in rows:
        found.setdefault(r.handoff_id, []).append(r)
    return found


def _handoff(h: Any, now: datetime, attempts: list[Any], feedback: list[Any], breaches: list[Any]) -> dict[str, Any]:
    """`attempts` and `feedback` newest first, one more than shown if there are older ones."""
    return {
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
                {"attempt": a.attempt, "at": a.at, "status_code": a.status_code, "error": a.error, "result": a.result}
                for a in attempts[:ROWS_SHOWN][::-1]
            ],
            "next_attempt_at": h.next_attempt_at,
            "delivered_at": h.delivered_at,
        },
        "attempts_truncated": len(attempts) > ROWS_SHOWN,  # beside `delivery`, whose keys stay as they were
        "sla": _sla(h, now, breaches),
        "feedback": [_feedback(f) for f in feedback[:ROWS_SHOWN][::-1]],
        "feedback_truncated": len(feedback) > ROWS_SHOWN,
    }


async def feedback_report(session: AsyncSession, lead_id: str, limit: int, before_id: int | None = None,
                          unmatched: bool = False) -> dict[str, Any]:
    """Every CRM answer about the lead, newest first, a page at a time."""
    rows = await SqlHandoffs(session).feedback_page(lead_id, limit + 1, before_id, unmatched)
    return {
        "lead_id": lead_id,
        "feedback": [_feedback(f) for f in rows[:limit]],
        "limit": limit,
        "next": next_cursor(rows, limit, lambda f: (f.id,)),
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
        "handoff_id": f.handoff_id,
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
