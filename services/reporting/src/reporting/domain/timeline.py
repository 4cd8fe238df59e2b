"""A lead's stage events in order, each with what the reports would otherwise look up per row:
the lead's previous event (its time and stage: the stay that event ends) and the highest funnel
rank the lead had before it (the event reaches the ranks above that, up to its own). The read
model stores these with each event and fixes a lead's later events when an earlier one arrives
late; migration 0008 computes the same for the events already stored (window functions)."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .model import FUNNEL, RANK

NONE_BEFORE = -1  # prior_max of a lead's first event (and of any before its first funnel stage)


@dataclass(frozen=True)
class LeadEvent:
    event_id: str
    lead_id: str
    at: datetime
    from_stage: str | None
    to_stage: str
    reason: str = ""
    prev_at: datetime | None = None
    prev_stage: str | None = None
    prior_max: int = NONE_BEFORE

    @property
    def rank(self) -> int | None:
        """The funnel rank of the stage it enters; None for recycled, disqualified, lost."""
        return RANK.get(self.to_stage)

    @property
    def reaches(self) -> range:
        """The funnel ranks the lead reaches for the first time with this event."""
        rank = self.rank
        return range(self.prior_max + 1, rank + 1) if rank is not None else range(0)


def in_order(events: Iterable[LeadEvent]) -> list[LeadEvent]:
    """One lead's events by (at, event_id), each with its previous event and prior highest rank."""
    out: list[LeadEvent] = []
    prev, prior = None, NONE_BEFORE
    for e in sorted(events, key=lambda e: (e.at, e.event_id)):
        out.append(replace(e, prev_at=prev.at if prev else None, prev_stage=prev.to_stage if prev else None,
                           prior_max=prior))
        prev, prior = e, max(prior, e.rank if e.rank is not None else NONE_BEFORE)
    return out


def highest_rank(timeline: list[LeadEvent]) -> int:
    """The highest funnel rank the lead has reached (by now, whenever its events lie)."""
    return max((e.rank for e in timeline if e.rank is not None), default=NONE_BEFORE)


def first_reached(timeline: list[LeadEvent]) -> dict[str, datetime]:
    """When the lead first reached each funnel stage."""
    return {FUNNEL[k]: e.at for e in timeline for k in e.reaches}
