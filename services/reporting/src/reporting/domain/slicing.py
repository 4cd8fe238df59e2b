"""Slicing a history by source, campaign, persona or content item."""

from collections import defaultdict

from .model import History

DIMENSIONS = ("source", "campaign", "persona", "content")


def groups_of(history: History, dimension: str) -> dict[str, set[str]]:
    """Group name -> lead ids. By content a lead belongs to every item it touched."""
    groups: dict[str, set[str]] = defaultdict(set)
    if dimension == "content":
        for t in history.touches:
            groups[t.item].add(t.lead_id)
        return groups
    for lead_id in {e.lead_id for e in history.stages}:
        facts = history.leads.get(lead_id)
        groups[(getattr(facts, dimension, None) if facts else None) or "unknown"].add(lead_id)
    return groups


def restricted(history: History, lead_ids: set[str]) -> History:
    return History(
        stages=[e for e in history.stages if e.lead_id in lead_ids],
        touches=[t for t in history.touches if t.lead_id in lead_ids],
        leads={k: v for k, v in history.leads.items() if k in lead_ids},
        handoffs=[h for h in history.handoffs if h.lead_id in lead_ids],
    )
