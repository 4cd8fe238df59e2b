"""The figures' ingredients as grouped queries: each reads the rollups the read model keeps
(`stage_tallies`, `funnel_tallies`, `attribution_tallies`: rows per day and month), the events
of a period's ragged edges, or the period's stays or handoffs through an index, never a whole table.
The definitions are those of domain/ (funnel.py, sla.py, attribution.py, slicing.py); the
comparison test tests/integration/reporting/test_sql_matches_definitions.py holds them equal."""

from collections import Counter, defaultdict
from datetime import UTC, datetime, time

from lead_runtime.retention import pruned_before
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.credits import ATTRIBUTED
from ..domain.funnel_days import event_counts
from ..domain.model import FUNNEL, Period
from ..domain.periods import Split, split
from .tables import touches

# A funnel stage's rank (0..5), NULL for recycled, disqualified, lost.
_RANK = "CASE {col} " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(FUNNEL)) + " END"
# The groups a lead belongs to, as a LATERAL subquery (domain/slicing.py: no value is "unknown";
# by content a lead belongs to every item it touched). Same expressions as tallies.py.
_GROUPS = {
    "all": "(SELECT ''::text AS grp)",
    "content": "(SELECT i.item AS grp FROM lead_items i WHERE i.lead_id = {lead})",  # its few items, not its touches
    **{d: f"(SELECT coalesce(nullif((SELECT f.{d} FROM lead_facts f WHERE f.lead_id = {{lead}}), ''), 'unknown') AS grp)"
       for d in ("source", "campaign", "persona")},
}
_ITEM = "coalesce(nullif(content_id, ''), type)"  # the expression of ix_touches_item


# The middle stays: percentile_disc(f) is the value at position ceil(f * n), so 0.5 gives the lower
# middle and a hair above it the upper one (the same one when n is odd) for any n below 5e9.
_UPPER_MIDDLE = "0.5000000001"
# A period's rollup rows (domain/periods.py): month rows for whole months, day rows for the other whole days.
_SPANS = """((span = 'month' AND starts >= :months_from AND starts < :months_to)
             OR (span = 'day' AND ((starts >= :days_from AND starts < :months_from)
                                   OR (starts >= :months_to AND starts < :days_to))))"""
_EDGES = "(({col} >= :edge0_from AND {col} < :edge0_to) OR ({col} >= :edge1_from AND {col} < :edge1_to))"


def _in(dimension: str, lead: str) -> str:
    return _GROUPS[dimension].format(lead=lead) + " AS g"


def _spans(part: Split) -> dict:
    return {"days_from": part.days[0], "days_to": part.days[1], "months_from": part.months[0], "months_to": part.months[1]}


def _edges(part: Split) -> dict:
    (a, b), (c, d) = part.edges
    return {"edge0_from": a, "edge0_to": b, "edge1_from": c, "edge1_to": d}


class SqlReports:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._jit_off = False

    async def _rows(self, sql: str, **params) -> list:
        if not self._jit_off:  # the per-lead subqueries make these look costly; compiling them costs more than it saves
            await self.session.execute(text("SET LOCAL jit = off"))
            self._jit_off = True
        return list(await self.session.execute(text(sql), params))

    async def group_names(self, dimension: str) -> list[str]:
        """The groups of a dimension: by content every item ever touched (skipping through the
        index, one probe per item), else the groups holding a lead with stage events."""
        if dimension == "content":
            rows = await self._rows(f"""
                WITH RECURSIVE items(item) AS (
                    (SELECT {_ITEM} FROM touches ORDER BY 1 LIMIT 1)
                    UNION ALL
                    SELECT (SELECT {_ITEM} FROM touches WHERE {_ITEM} > items.item ORDER BY 1 LIMIT 1)
                    FROM items WHERE items.item IS NOT NULL
                ) SELECT item FROM items WHERE item IS NOT NULL""")
        else:  # each lead with stage events adds exactly 1 to its group's tallies over all time
            rows = await self._rows("""
                SELECT grp FROM stage_tallies WHERE dimension = :d AND span = 'month'
                GROUP BY grp HAVING sum(delta) > 0""", d=dimension)
        return sorted(r[0] for r in rows)

    async def leads_per_stage(self, dimension: str, at: datetime) -> dict[str, dict[str, int]]:
        """Leads per latest stage as of `at` (inclusive): whole months and days from the tallies,
        the events of `at`'s own day up to `at` one by one."""
        day = at.astimezone(UTC).date()
        rows = await self._rows("""
            SELECT grp, stage, sum(delta) FROM stage_tallies
            WHERE dimension = :d AND ((span = 'month' AND starts < :month)
                                      OR (span = 'day' AND starts >= :month AND starts < :day))
            GROUP BY grp, stage""", d=dimension, month=day.replace(day=1), day=day)
        rows += await self._rows(f"""
            WITH today AS (
                SELECT lead_id, to_stage, prev_stage FROM stage_events WHERE at >= :from_ AND at <= :at
            ), changes AS (
                SELECT lead_id, to_stage AS stage, 1 AS delta FROM today
                UNION ALL SELECT lead_id, prev_stage, -1 FROM today WHERE prev_stage IS NOT NULL
            )
            SELECT g.grp, c.stage, sum(c.delta) FROM changes c CROSS JOIN LATERAL {_in(dimension, 'c.lead_id')}
            GROUP BY 1, 2""", from_=datetime.combine(day, time(), UTC), at=at)
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for grp, stage, n in rows:
            out[grp][stage] += n
        return {grp: {s: n for s, n in stages.items() if n} for grp, stages in out.items()}

    async def funnel_counts(self, dimension: str, period: Period) -> dict[str, Counter]:
        """Per group: the period's (measure, stage, detail) -> n of domain/funnel_days.py (flows,
        reasons, reached and converted). Whole days and months from `funnel_tallies`; the parts of
        a day at either end from those events, each with the lead's highest stage when it reaches one."""
        part = split(period)
        out: dict[str, Counter] = defaultdict(Counter)
        for grp, measure, stage, detail, n in await self._rows(f"""
                SELECT grp, measure, stage, detail, sum(n) FROM funnel_tallies
                WHERE dimension = :d AND {_SPANS} GROUP BY 1, 2, 3, 4""", d=dimension, **_spans(part)):
            out[grp][(measure, stage, detail)] += n
        rank, highest = _RANK.format(col="e.to_stage"), _RANK.format(col="m.to_stage")
        for grp, to_stage, from_stage, reason, prior, rank_, top, n in await self._rows(f"""
                WITH ev AS MATERIALIZED (  -- each event once, whatever the number of its lead's groups
                    SELECT e.lead_id, e.to_stage, e.from_stage, e.reason, e.prior_max, {rank} AS rank,
                           CASE WHEN {rank} > e.prior_max THEN
                               (SELECT max({highest}) FROM stage_events m WHERE m.lead_id = e.lead_id) END AS top
                    FROM stage_events e WHERE {_EDGES.format(col="e.at")}
                )
                SELECT g.grp, to_stage, from_stage, reason, prior_max, rank, top, count(*)
                FROM ev CROSS JOIN LATERAL {_in(dimension, 'ev.lead_id')} GROUP BY 1, 2, 3, 4, 5, 6, 7""", **_edges(part)):
            reaches = range(prior + 1, rank_ + 1) if rank_ is not None else range(0)
            for measure, stage, detail, one in event_counts(to_stage, from_stage, reason, reaches, top):
                out[grp][(measure, stage, detail)] += one * n
        return {grp: Counter({k: n for k, n in counts.items() if n}) for grp, counts in out.items()}

    async def stay_middles(self, dimension: str, period: Period) -> dict[str, dict[str, list[float]]]:
        """Per group and stage, the hours of the middle one or two stays of those that ended in the
        period (the same one twice when their number is odd): a stay is from a lead's previous
        event (stored with each event) to the event. For all leads read from ix_stage_events_stays
        alone; the lowest middle is the 0.5 percentile, the highest the next one up."""
        await self.session.execute(text("SET LOCAL work_mem = '64MB'"))  # a year's stays sorted in memory: 0.3 s, not 1
        rows = await self._rows(f"""
            SELECT g.grp, e.prev_stage, percentile_disc(ARRAY[0.5, {_UPPER_MIDDLE}]) WITHIN GROUP (ORDER BY e.at - e.prev_at)
            FROM stage_events e CROSS JOIN LATERAL {_in(dimension, 'e.lead_id')}
            WHERE e.at >= :start AND e.at < :end AND e.prev_at IS NOT NULL GROUP BY 1, 2""",
            start=period.start, end=period.end)
        out: dict[str, dict[str, list[float]]] = defaultdict(dict)
        for grp, stage, middles in rows:
            out[grp][stage] = [took.total_seconds() / 3600 for took in middles]
        return out

    async def attribution(self, stage: str, period: Period) -> list[tuple[str, int, int, float]]:
        """(item, first-touch, last-touch, linear credit) over the leads that first reached
        `stage` in the period, each with its touches up to that moment: whole days and months from
        `attribution_tallies`, the parts of a day at either end from the leads' own credits."""
        if stage not in ATTRIBUTED:
            raise ValueError(f"attribution is kept for {', '.join(ATTRIBUTED)}, not {stage}")
        part = split(period)
        rows = await self._rows(f"""
            SELECT item, sum(first_touch), sum(last_touch), sum(linear) FROM (
                SELECT item, first_touch, last_touch, linear FROM attribution_tallies WHERE stage = :stage AND {_SPANS}
                UNION ALL
                SELECT item, first_touch, last_touch, div(2 * touches * 1000000000000::numeric + n, 2 * n) * 0.000000000001
                FROM attribution_credits WHERE stage = :stage AND {_EDGES.format(col="reached_at")}
            ) c GROUP BY item HAVING sum(first_touch) <> 0 OR sum(last_touch) <> 0 OR sum(linear) <> 0""",
            stage=stage, **_spans(part), **_edges(part))
        return [(item, first, last, float(linear)) for item, first, last, linear in rows]

    async def touches_pruned_before(self) -> datetime | None:
        """How far REPORTING_RETENTION_DAYS has purged the touches (None: never)."""
        return await pruned_before(self.session, touches.name)

    async def sla_counts(self, period: Period, now: datetime) -> list[tuple]:
        """(by, name, handed_off, in time, decided, hard kept, decided, open breaches, awaiting)
        for all, per rep and per team, over the handoffs of the period."""
        return await self._rows("""
            SELECT CASE WHEN grouping(rep) = 0 THEN 'rep' WHEN grouping(team) = 0 THEN 'team' ELSE 'all' END,
                   coalesce(rep, team, ''), count(*),
                   count(*) FILTER (WHERE responded_at <= first_contact_due),
                   count(*) FILTER (WHERE responded_at IS NOT NULL OR :now > first_contact_due),
                   count(*) FILTER (WHERE responded_at <= hard_limit),
                   count(*) FILTER (WHERE responded_at IS NOT NULL OR :now > hard_limit),
                   count(*) FILTER (WHERE responded_at IS NULL AND :now > first_contact_due),
                   count(*) FILTER (WHERE responded_at IS NULL AND :now <= first_contact_due)
            FROM (SELECT first_contact_due, hard_limit, responded_at, coalesce(nullif(rep_id, ''), 'unassigned') AS rep,
                         coalesce(nullif(team, ''), 'unassigned') AS team
                  FROM handoffs WHERE handed_at >= :start AND handed_at < :end) h
            GROUP BY GROUPING SETS ((), (rep), (team))""", start=period.start, end=period.end, now=now)

    async def open_breaches(self, period: Period, now: datetime, limit: int) -> list[dict]:
        """The period's handoffs unanswered past their first-contact deadline, earliest due first."""
        rows = await self._rows("""
            SELECT lead_id, handoff_id, rep_id, first_contact_due FROM handoffs
            WHERE handed_at >= :start AND handed_at < :end AND responded_at IS NULL AND :now > first_contact_due
            ORDER BY first_contact_due, handoff_id LIMIT :limit""", start=period.start, end=period.end, now=now, limit=limit)
        return [{"lead_id": r.lead_id, "handoff_id": r.handoff_id, "rep_id": r.rep_id, "due": r.first_contact_due.isoformat()}
                for r in rows]
