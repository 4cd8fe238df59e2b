"""The funnel's counts per day (`funnel_tallies`), so a report over a year adds up a few hundred
rows instead of reading a year's events. What a lead's stage events add to the day each falls on:

- ("in", stage entered) and ("out", stage left as the event names it): the flows;
- ("reason", stage, reason as written) for recycled and disqualified: the reasons;
- ("reached", stage) for each funnel stage the event reaches first (timeline.py), and
  ("converted", stage) when the lead has reached the next stage by now: reached and conversion.

"By now" depends on the lead's later events too, so a lead's counts are recomputed from all its
events whenever one arrives (tallies.py writes the difference). The same function counts the
events at a period's ragged edges (parts of a day) when a report is asked for."""

from .figures import FunnelCounts
from .model import FUNNEL
from .tallies import day_of
from .timeline import LeadEvent, highest_rank

REASONED = ("recycled", "disqualified")
Count = tuple[str, str, str, int]  # (measure, stage, detail, n)


def event_counts(to_stage: str, from_stage: str | None, reason: str, reaches: range, highest: int) -> list[Count]:
    """What one event adds; `highest` is the lead's highest funnel rank by now."""
    out: list[Count] = [("in", to_stage, "", 1)]
    if from_stage:
        out.append(("out", from_stage, "", 1))
    if to_stage in REASONED:
        out.append(("reason", to_stage, reason, 1))
    for k in reaches:
        out.append(("reached", FUNNEL[k], "", 1))
        if highest > k:
            out.append(("converted", FUNNEL[k], "", 1))
    return out


def lead_counts(timeline: list[LeadEvent]) -> list[tuple]:
    """A lead's (day, measure, stage, detail, n) over all its events."""
    highest = highest_rank(timeline)
    return [(day_of(e), *count) for e in timeline
            for count in event_counts(e.to_stage, e.from_stage, e.reason, e.reaches, highest)]


def with_counts(into: FunnelCounts, counts: dict[tuple[str, str, str], int]) -> FunnelCounts:
    """A group's (measure, stage, detail) -> n as the figures' ingredients: reach per funnel rank
    (reached, converted), flows in and out, raw reasons per stage."""
    for (measure, stage, detail), n in counts.items():
        if measure in ("in", "out"):
            into.flows[measure][stage] = into.flows[measure].get(stage, 0) + n
        elif measure == "reason":
            into.reasons.setdefault(stage, {})[detail] = into.reasons.get(stage, {}).get(detail, 0) + n
    into.reach = {k: (counts.get(("reached", stage, ""), 0), counts.get(("converted", stage, ""), 0))
                  for k, stage in enumerate(FUNNEL) if counts.get(("reached", stage, ""))}
    return into
