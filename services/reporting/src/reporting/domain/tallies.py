"""Leads per stage at any instant without reading every lead: each stage event adds +1 to the
stage it enters and -1 to the stage the lead was in before (its previous event, by time), so
the sum of the changes up to an instant is the number of leads in each stage then. The read
model keeps these changes summed per group, day and month (`stage_tallies`); a lead's share is
recomputed whenever its events or the groups it is counted in change, and only the difference
is written. A lead's share is its stage changes (day, stage, ±1) counted in each of its groups."""

from collections import Counter
from datetime import date

# (dimension, group, day, stage) -> change; dimension "all" has the one group "".
LeadShares = dict[tuple[str, str, date, str], int]
Groups = frozenset[tuple[str, str]]  # (dimension, group) a lead is counted in
Changes = list[tuple[date, str, int]]  # a lead's (day, stage, ±1) from its stage events


def shares(changes: dict[str, Changes], groups: dict[str, Groups]) -> LeadShares:
    """The leads' share: each stage change of a lead counted once in each of its groups."""
    out: Counter = Counter()
    for lead_id, lead_changes in changes.items():
        for dimension, group in groups.get(lead_id, ()):
            for day, stage, delta in lead_changes:
                out[(dimension, group, day, stage)] += delta
    return dict(out)
SPANS = ("day", "month")


def tally_changes(before: LeadShares, after: LeadShares) -> list[tuple[str, str, str, date, str, int]]:
    """The rows to add to `stage_tallies` (dimension, group, span, starts, stage, delta), sorted so
    concurrent writers lock them in the same order."""
    net: Counter = Counter()
    for (dimension, group, day, stage), delta in after.items():
        net[(dimension, group, day, stage)] += delta
    for key, delta in before.items():
        net[key] -= delta
    rows: Counter = Counter()
    for (dimension, group, day, stage), delta in net.items():
        if delta:
            rows[(dimension, group, "day", day, stage)] += delta
            rows[(dimension, group, "month", day.replace(day=1), stage)] += delta
    return sorted((*key, delta) for key, delta in rows.items() if delta)
