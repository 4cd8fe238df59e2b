"""The figures' ingredients as grouped queries: each reads the period's events, handoffs or
leads (through the indexes of migration 0004) or the small `stage_tallies`, never a whole table.
The definitions are those of domain/ (funnel.py, sla.py, attribution.py, slicing.py); the
comparison test tests/integration/reporting/test_sql_matches_definitions.py holds them equal."""

from collections import defaultdict
from datetime import UTC, datetime, time

from lead_runtime.retention import pruned_before
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.model import FUNNEL, Period
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


def _in(dimension: str, lead: str) -> str:
    return _GROUPS[dimension].format(lead=lead) + " AS g"


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
                SELECT lead_id, at, event_id, to_stage FROM stage_events WHERE at >= :from_ AND at <= :at
            ), changes AS (
                SELECT lead_id, to_stage AS stage, 1 AS delta FROM today
                UNION ALL
                SELECT e.lead_id, p.to_stage, -1 FROM today e CROSS JOIN LATERAL (
                    SELECT q.to_stage FROM stage_events q WHERE q.lead_id = e.lead_id
                    AND (q.at, q.event_id) < (e.at, e.event_id) ORDER BY q.at DESC, q.event_id DESC LIMIT 1) p
            )
            SELECT g.grp, c.stage, sum(c.delta) FROM changes c CROSS JOIN LATERAL {_in(dimension, 'c.lead_id')}
            GROUP BY 1, 2""", from_=datetime.combine(day, time(), UTC), at=at)
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for grp, stage, n in rows:
            out[grp][stage] += n
        return {grp: {s: n for s, n in stages.items() if n} for grp, stages in out.items()}

    async def reach(self, dimension: str, period: Period) -> dict[str, dict[int, tuple[int, int]]]:
        """Per group and funnel rank k: (leads that first reached stage k in the period, of them
        those that have reached k + 1 by now). Read: the leads with funnel events in the period,
        and each one's own earlier events."""
        rank, lead_rank = _RANK.format(col="to_stage"), _RANK.format(col="p.to_stage")
        reached = [f"count(*) FILTER (WHERE period_max >= {k} AND prior_max < {k})" for k in range(len(FUNNEL))]
        converted = [f"count(*) FILTER (WHERE period_max >= {k} AND prior_max < {k} AND ever_max > {k})"
                     for k in range(len(FUNNEL))]
        rows = await self._rows(f"""
            WITH cand AS (
                SELECT lead_id, max({rank}) AS period_max FROM stage_events
                WHERE at >= :start AND at < :end AND {rank} IS NOT NULL GROUP BY lead_id
            ), ranked AS MATERIALIZED (
                SELECT c.lead_id, c.period_max, coalesce(e.prior_max, -1) AS prior_max, e.ever_max FROM cand c
                CROSS JOIN LATERAL (SELECT max({lead_rank}) FILTER (WHERE p.at < :start) AS prior_max,
                                           max({lead_rank}) AS ever_max
                                    FROM stage_events p WHERE p.lead_id = c.lead_id) e
            )
            SELECT g.grp, {", ".join(reached + converted)}
            FROM ranked r CROSS JOIN LATERAL {_in(dimension, 'r.lead_id')} GROUP BY 1""",
            start=period.start, end=period.end)
        n = len(FUNNEL)
        out: dict[str, dict[int, tuple[int, int]]] = {}
        for grp, *counts in rows:
            out[grp] = {k: (counts[k], counts[n + k]) for k in range(n) if counts[k]}
        return out

    async def flows(self, dimension: str, period: Period) -> dict[str, dict[str, dict[str, int]]]:
        """Per group: {"in": {stage: n}, "out": {stage: n}} over the period's events."""
        rows = await self._rows(f"""
            SELECT g.grp, e.to_stage, e.from_stage, count(*) FROM stage_events e
            CROSS JOIN LATERAL {_in(dimension, 'e.lead_id')}
            WHERE e.at >= :start AND e.at < :end GROUP BY 1, 2, 3""", start=period.start, end=period.end)
        out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: {"in": {}, "out": {}})
        for grp, to_stage, from_stage, n in rows:
            out[grp]["in"][to_stage] = out[grp]["in"].get(to_stage, 0) + n
            if from_stage:
                out[grp]["out"][from_stage] = out[grp]["out"].get(from_stage, 0) + n
        return out

    async def reasons(self, dimension: str, period: Period) -> dict[str, dict[str, dict[str, int]]]:
        """Per group and stage (recycled, disqualified): the period's reasons as written, counted."""
        rows = await self._rows(f"""
            SELECT g.grp, e.to_stage, e.reason, count(*) FROM stage_events e CROSS JOIN LATERAL {_in(dimension, 'e.lead_id')}
            WHERE e.at >= :start AND e.at < :end AND e.to_stage IN ('recycled', 'disqualified') GROUP BY 1, 2, 3""",
            start=period.start, end=period.end)
        out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for grp, stage, reason, n in rows:
            out[grp][stage][reason] = n
        return out

    async def stay_middles(self, dimension: str, period: Period) -> dict[str, dict[str, list[float]]]:
        """Per group and stage, the hours of the middle one or two stays (sorted) of those that
        ended in the period: a stay is from a lead's event to its next one."""
        rows = await self._rows(f"""
            WITH stays AS (
                SELECT g.grp, p.to_stage AS stage, e.at - p.at AS took
                FROM stage_events e CROSS JOIN LATERAL (
                    SELECT q.to_stage, q.at FROM stage_events q WHERE q.lead_id = e.lead_id
                    AND (q.at, q.event_id) < (e.at, e.event_id) ORDER BY q.at DESC, q.event_id DESC LIMIT 1) p
                CROSS JOIN LATERAL {_in(dimension, 'e.lead_id')}
                WHERE e.at >= :start AND e.at < :end
            ), ordered AS (
                SELECT grp, stage, took, row_number() OVER (PARTITION BY grp, stage ORDER BY took) AS i,
                       count(*) OVER (PARTITION BY grp, stage) AS n FROM stays
            )
            SELECT grp, stage, took FROM ordered WHERE i IN ((n + 1) / 2, (n + 2) / 2) ORDER BY grp, stage, took""",
            start=period.start, end=period.end)
        out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for grp, stage, took in rows:
            out[grp][stage].append(took.total_seconds() / 3600)
        return out

    async def attribution(self, stage: str, period: Period) -> list[tuple[str, int, int, float]]:
        """(item, first-touch, last-touch, linear credit) over the leads that first reached
        `stage` in the period, each with its touches up to that moment."""
        k = FUNNEL.index(stage)
        rank, prior_rank = _RANK.format(col="c.to_stage"), _RANK.format(col="p.to_stage")
        rows = await self._rows(f"""
            WITH reached AS (
                SELECT c.lead_id, min(c.at) AS at FROM stage_events c
                WHERE c.at >= :start AND c.at < :end AND {rank} >= :k
                AND NOT EXISTS (SELECT 1 FROM stage_events p WHERE p.lead_id = c.lead_id AND p.at < :start AND {prior_rank} >= :k)
                GROUP BY c.lead_id
            ), credited AS (
                SELECT coalesce(nullif(t.content_id, ''), t.type) AS item,
                       row_number() OVER (PARTITION BY r.lead_id ORDER BY t.at, t.event_id) AS i,
                       count(*) OVER (PARTITION BY r.lead_id) AS n
                FROM reached r JOIN touches t ON t.lead_id = r.lead_id AND t.at <= r.at
            )
            SELECT item, count(*) FILTER (WHERE i = 1), count(*) FILTER (WHERE i = n), sum(1.0 / n)
            FROM credited GROUP BY item""", start=period.start, end=period.end, k=k)
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
