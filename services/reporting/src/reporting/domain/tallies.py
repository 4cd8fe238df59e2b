"""Leads per stage at any instant without reading every lead: each stage event adds +1 to the
stage it enters and -1 to the stage the lead was in before (its previous event, by time), so
the sum of the changes up to an instant is the number of leads in each stage then. The read
model keeps these changes summed per group, day and month (`stage_tallies`); a lead's share is
recomputed whenever its events or the groups it is counted in change, and only the difference
is written. A lead's share is its stage changes (day, stage, ±1) counted in each of its groups.
The same holds for the funnel's daily counts (funnel_days.py): any per-lead change keyed by day
first, counted in each of the lead's groups, kept per day and month."""

from collections import Counter
from datetime import UTC, date

from .timeline import LeadEvent

# (dimension, group, day, stage) -> change; dimension "all" has the one group "".
LeadShares = dict[tuple[str, str, date, str], int]
Groups = frozenset[tuple[str, str]]  # (dimension, group) a lead is counted in
Changes = list[tuple[date, str, int]]  # a lead's (day, stage, ±1) from its stage events


def stage_changes(timeline: list[LeadEvent]) -> Changes:
    """+1 to the stage each event enters, -1 to the stage before it (the lead's previous event)."""
    out: Changes = []
    for e in timeline:
        out.append((day_of(e), e.to_stage, 1))
        if e.prev_stage is not None:
            out.append((day_of(e), e.prev_stage, -1))
    return out


def day_of(e: LeadEvent) -> date:
    return e.at.astimezone(UTC).date()


def shares(changes: dict[str, list[tuple]], groups: dict[str, Groups]) -> dict[tuple, int]:
    """The leads' share: each change (day, *key, delta) of a lead counted once in each of its groups."""
    out: Counter = Counter()
    for lead_id, lead_changes in changes.items():
        for dimension, group in groups.get(lead_id, ()):
            for day, *key, delta in lead_changes:
                out[(dimension, group, day, *key)] += delta
    return dict(out)


SPANS = ("day", "month")


def tally_changes(before: dict[tuple, int], after: dict[tuple, int]) -> list[tuple]:
    """The rows to add to `stage_tallies` (dimension, group, span, starts, stage, delta), or to
    `funnel_tallies` (dimension, group, span, starts, measure, stage, detail, n), sorted so
    concurrent writers lock them in the same order."""
    net: Counter = Counter(after)
    net.subtract(before)
    rows: Counter = Counter()
    for (dimension, group, day, *key), delta in net.items():
        if delta:
            rows[(dimension, group, "day", day, *key)] += delta
            rows[(dimension, group, "month", day.replace(day=1), *key)] += delta
    return sorted((*key, delta) for key, delta in rows.items() if delta)
