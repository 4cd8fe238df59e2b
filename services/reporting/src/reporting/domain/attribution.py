"""Which touchpoints and content items precede sales-ready and won leads.

First touch gives the whole credit to a lead's first touch before it reached the stage, last
touch to the last one, linear splits it equally over all of them. Credits sum to the number of
leads that reached the stage (and had touches)."""

from collections import defaultdict
from datetime import datetime

from .funnel import reached
from .model import History, Period


def attribution(history: History, stage: str, period: Period) -> dict:
    reach = reached(history.stages)
    touches = defaultdict(list)
    for t in sorted(history.touches, key=lambda t: t.at):
        touches[t.lead_id].append(t)
    credit = defaultdict(lambda: {"first_touch": 0.0, "last_touch": 0.0, "linear": 0.0})
    leads = 0
    for lead_id, r in reach.items():
        if stage not in r or not period.holds(r[stage]):
            continue
        before = [t for t in touches[lead_id] if t.at <= r[stage]]
        if not before:
            continue
        leads += 1
        credit[before[0].item]["first_touch"] += 1
        credit[before[-1].item]["last_touch"] += 1
        for t in before:
            credit[t.item]["linear"] += 1 / len(before)
    items = sorted(credit.items(), key=lambda kv: (-kv[1]["linear"], kv[0]))
    return {
        "stage": stage,
        "leads": leads,
        "items": [{"item": k, **{m: round(v, 3) for m, v in c.items()}} for k, c in items],
    }


def touches_kept(period: Period, pruned_before: datetime | None) -> dict:
    """What attribution says of REPORTING_RETENTION_DAYS: the cutoff touches were purged up to (None:
    never), and whether the period starts at or after it. A period that starts before it lacks the
    credit of the purged touches; a later one lacks only that of touches older than the cutoff of
    leads that reached the stage in it (journeys longer than the retention)."""
    return {"touches_pruned_before": pruned_before.isoformat() if pruned_before else None,
            "touches_complete": pruned_before is None or period.start >= pruned_before}
