"""SLA compliance of handed-off leads: contacted within the agreed minutes, within the hard limit."""

from collections import defaultdict
from datetime import datetime

from .model import HandoffFacts, Period


def _status(h: HandoffFacts, now: datetime) -> tuple[bool | None, bool | None]:
    """(first contact in time, hard limit kept); None while it can still go either way."""
    def kept(due: datetime) -> bool | None:
        if h.responded_at is not None:
            return h.responded_at <= due
        return False if now > due else None

    return kept(h.first_contact_due), kept(h.hard_limit)


def _summary(handoffs: list[HandoffFacts], now: datetime) -> dict:
    statuses = [_status(h, now) for h in handoffs]
    decided_first = [s[0] for s in statuses if s[0] is not None]
    decided_hard = [s[1] for s in statuses if s[1] is not None]
    return {
        "handed_off": len(handoffs),
        "within_first_contact": sum(decided_first),
        "first_contact_rate": round(sum(decided_first) / len(decided_first), 4) if decided_first else None,
        "within_hard_limit": sum(decided_hard),
        "hard_limit_rate": round(sum(decided_hard) / len(decided_hard), 4) if decided_hard else None,
        "open_breaches": sum(1 for h in handoffs if h.responded_at is None and now > h.first_contact_due),
        "awaiting_contact": sum(1 for h in handoffs if h.responded_at is None and now <= h.first_contact_due),
    }


def sla_report(handoffs: list[HandoffFacts], period: Period, now: datetime) -> dict:
    chosen = [h for h in handoffs if period.holds(h.handed_at)]
    by_rep: dict[str, list[HandoffFacts]] = defaultdict(list)
    by_team: dict[str, list[HandoffFacts]] = defaultdict(list)
    for h in chosen:
        by_rep[h.rep_id or "unassigned"].append(h)
        by_team[h.team or "unassigned"].append(h)
    return {
        "overall": _summary(chosen, now),
        "by_rep": {rep: _summary(hs, now) for rep, hs in sorted(by_rep.items())},
        "by_team": {team: _summary(hs, now) for team, hs in sorted(by_team.items())},
        "open_breaches": [
            {"lead_id": h.lead_id, "handoff_id": h.handoff_id, "rep_id": h.rep_id, "due": h.first_contact_due.isoformat()}
            for h in chosen if h.responded_at is None and now > h.first_contact_due
        ],
    }
