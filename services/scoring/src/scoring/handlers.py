"""Use cases: a touchpoint arrives; another service changed a lead's stage."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from lead_events import (
    ConsentRecord, Evidence, LeadScored, LeadSnapshot, LeadStageChanged, ScoreData, Stage,
    StageChangeData, TouchpointData, TouchpointRecorded, TouchpointType, derived_event_id, is_historical,
    lead_id_for_visitor, span_before, topics,
)
from lead_events.touchpoints import Company
from sqlalchemy.ext.asyncio import AsyncSession

from lead_runtime.loop_lag import Breather
from lead_runtime.logs import fields
from lead_runtime.visitors import identify

from .adapters.agreements import SqlAgreements
from .adapters.replay_source import stored_touchpoints, touchpoints_pruned_before
from .adapters.repository import SqlLeadScores
from .adapters.tables import visitor_links
from .adapters.translate import activity_from, profile_from
from .domain.behaviour_state import STRONGEST, BehaviourState
from .domain.consent import consent_after
from .domain.lead import LeadState
from .domain.model import LeadProfile, ScoreLine, StageDecision
from .domain.policy import ScoringPolicy
from .domain.replay import replay, stage_under
from .domain.rules import behaviour_lines, decide_stage, falls_below_at, wants_sales_contact
from .domain.score import ProfileMemo, Score, decayed_lines, score_running

Clock = Callable[[], datetime]
SERVICE = "scoring"
AGREEMENT_CHECK_SECONDS = 5.0
TIMELINE_LENGTH = 25  # activity entries a handoff carries to sales
log = logging.getLogger(__name__)


def snapshot(lead: LeadState, score: Score, now: datetime) -> LeadSnapshot:
    """What sales see of the lead; the timeline is its latest behaviour (kept in the running state)."""
    p = lead.profile
    b = lead.behaviour
    latest = decayed_lines(b.latest[-TIMELINE_LENGTH:], now, b.half_life_days) if b else ()
    return LeadSnapshot(
        email=p.email, first_name=p.first_name, last_name=p.last_name, job_title=p.job_title, phone=p.phone,
        company=Company(name=p.company_name, domain=p.domain, employees=p.employees,
                        annual_revenue_eur=p.annual_revenue_eur, industry=p.industry, country=p.country),
        persona=score.fit.persona, fit_score=score.fit.score, fit_grade=score.fit.grade,
        engagement_score=score.engagement, total_score=round(score.total, 2),
        consent=ConsentRecord.model_validate(lead.consent) if lead.consent else None,
        timeline=[
            Evidence(rule=l.rule, points=l.points, touchpoint_id=l.touchpoint_id, detail=l.detail, occurred_at=l.occurred_at)
            for l in latest
        ],
    )


def consent_record(record: dict | None, event: TouchpointRecorded) -> dict | None:
    """The consent record after this touchpoint, by event time, with the source that carried the
    statement and when (for the GDPR record); an unsubscribe withdraws, and so does a hard bounce
    (the address takes no mail: sales are not told it may be emailed)."""
    stated = event.data.consent
    return consent_after(
        record,
        unsubscribed=event.data.type in (TouchpointType.UNSUBSCRIBED, TouchpointType.EMAIL_BOUNCED),
        email_marketing=stated.email_marketing if stated else None,
        double_opt_in_at=stated.double_opt_in_at if stated else None,
        occurred_at=event.occurred_at, recorded_at=event.recorded_at, source=event.data.source,
    )


@dataclass
class _Batch:
    """A batch's state in memory: loaded once, written once."""

    leads: dict[str, LeadState]
    ledgers: dict[str, list[ScoreLine]]  # per lead, what its caps' windows can see: stored and added
    changes: list[tuple[str, ScoreLine, str]] = field(default_factory=list)  # (lead_id, line, version)
    stage_changes: list[LeadStageChanged] = field(default_factory=list)

    def add(self, lead_id: str, lines: list[ScoreLine], version: str) -> None:
        self.ledgers.setdefault(lead_id, []).extend(lines)
        self.changes += [(lead_id, line, version) for line in lines]


@lru_cache(maxsize=16_384)
def _evidence_of(line: ScoreLine) -> Evidence:
    # a lead's fit lines and undecayed behaviour repeat from one touchpoint to the next (Evidence
    # is frozen: shared safely); plain construction, pydantic's compiled path, is about four times
    # quicker than model_construct's Python one
    return Evidence(rule=line.rule, points=line.points, touchpoint_id=line.touchpoint_id, detail=line.detail)


def _evidence(lines: tuple[ScoreLine, ...] | list[ScoreLine]) -> list[Evidence]:
    return [_evidence_of(l) for l in lines]


def _strongest(score: Score) -> list[ScoreLine]:
    return sorted((l for l in score.behaviour if l.points > 0), key=lambda l: -l.points)[:STRONGEST]


def _explanation(score: Score, own: tuple[ScoreLine, ...]) -> tuple[ScoreLine, ...]:
    """What a score event explains itself with, bounded whatever the lead's history: the fit and
    BANT lines, the strongest behaviour, and this touchpoint's own lines, decayed to now. Every
    line of the ledger is read through GET /v1/leads/{lead_id}."""
    strongest = _strongest(score)
    seen = {(l.rule, l.touchpoint_id) for l in strongest}
    return (*score.fit.lines, *score.bant, *strongest, *(l for l in own if (l.rule, l.touchpoint_id) not in seen))


class ScoringHandlers:
    def __init__(self, policy: ScoringPolicy, clock: Clock = lambda: datetime.now(UTC), source: str = "config") -> None:
        self.policy = policy  # replaced when another version is switched on
        self.clock = clock
        self._configured = policy
        self._source = source
        self._checked_at = float("-inf")
        self._profiles = ProfileMemo(policy)

    def _memo(self) -> ProfileMemo:
        """Fit assessed once per distinct profile, for the policy in force (a switch starts anew)."""
        if self._profiles.policy is not self.policy:
            self._profiles = ProfileMemo(self.policy)
        return self._profiles

    async def follow_active_agreement(self, session: AsyncSession) -> None:
        """The database says which agreement version is active (switched on by command); the
        configured file seeds it on a first start. Checked every few seconds, not per message."""
        if time.monotonic() - self._checked_at < AGREEMENT_CHECK_SECONDS:
            return
        store = SqlAgreements(session)
        active = await store.active()
        if active is None:
            await store.store(self._configured, self._source, activate=True)
            self.policy = self._configured
            return  # not marked checked: the stored row is only certain once this transaction commits
        if active.version != self.policy.version:
            self.policy = ScoringPolicy.model_validate(active.document)
            log.info("agreement switched", extra=fields(version=self.policy.version))
        self._checked_at = time.monotonic()  # only once read and applied: a rolled-back group checks again
        if active.version != self._configured.version:
            log.warning(
                "the configured agreement is not the active one; evaluate it with `python -m scoring shadow`"
                " and switch with `python -m scoring switch`",
                extra=fields(configured=self._configured.version, active=active.version),
            )
            self._configured = self.policy  # say it once

    async def on_touchpoint_recorded(self, session: AsyncSession, event: TouchpointRecorded) -> list:
        """One touchpoint: a batch of one (the careful re-run after a failure, and tests)."""
        [out] = await self.on_touchpoints(session, [event])
        return out

    async def on_touchpoints(self, session: AsyncSession, events: list[TouchpointRecorded]) -> list[list]:
        """A batch: its leads and their ledgers loaded in one statement each, every touchpoint
        folded through the rules in order in memory, each table written once. Returns what each
        touchpoint publishes, in the batch's order."""
        await self.follow_active_agreement(session)
        repo = SqlLeadScores(session)
        owners = [await identify(session, visitor_links, e) for e in events]  # a query only for visitors
        stored = await repo.add_touchpoints([(e, owner or e.lead_id) for e, owner in zip(events, owners)])
        lead_ids = sorted({owner for e, owner in zip(events, owners) if owner and e.event_id in stored})
        leads = await repo.get_many(lead_ids, for_update=True)
        await self.fresh_behaviour(repo, list(leads.values()))
        times = [e.occurred_at for e in events if e.event_id in stored]
        batch = _Batch(leads, await self._cap_windows(repo, lead_ids, min(times)) if times else {})
        out, breathe = [], Breather()
        for event, owner in zip(events, owners):
            # a replayed touchpoint changes nothing; an unknown visitor's waits, stored, for its person
            fresh = event.event_id in stored and owner is not None
            out.append(await self._apply(repo, batch, event, owner) if fresh else [])
            await breathe()
        await repo.add_changes_many(batch.changes)
        await repo.save_many(list(batch.leads.values()))
        await repo.add_stage_changes(batch.stage_changes)
        return out

    async def _apply(self, repo: SqlLeadScores, batch: "_Batch", event: TouchpointRecorded, lead_id: str) -> list:
        lead = batch.leads.get(lead_id)
        if lead is None:
            lead = LeadState(lead_id, LeadProfile(), Stage.PROSPECT.value, self.policy.version, is_new=True,
                             behaviour=BehaviourState(self.policy.behaviour.half_life_days))
            batch.leads[lead_id] = lead
        if event.data.contact.email:  # a known visitor's anonymous touchpoint adds behaviour only
            lead.profile = lead.profile.merged(profile_from(event.data, self.policy), event.occurred_at)
            lead.consent = consent_record(lead.consent, event)
        activity = activity_from(event.event_id, event.data, event.occurred_at)
        batch.ledgers.setdefault(lead_id, [])
        adopted = []
        if event.data.contact.anonymous_id:
            adopted = await self._adopt_visitor(repo, batch, lead, event.data.contact.anonymous_id)
            batch.add(lead_id, adopted, self.policy.version)
        new_lines = behaviour_lines(activity, batch.ledgers[lead_id], self.policy)
        batch.add(lead_id, new_lines, self.policy.version)
        now = self.clock()
        lead.behaviour = lead.behaviour.with_lines(adopted + new_lines, now)
        score = score_running(lead.profile, lead.behaviour, now, self.policy, self._memo())
        lead.persona = score.fit.persona
        out: list = []
        current = not is_historical(event, self.policy.history.horizon)
        decision = decide_stage(
            lead.stage, score.fit, score.engagement, lead.profile,
            current and wants_sales_contact(activity, self.policy), self.policy, self._why(score), current,
        )
        if lead.is_new and decision is None:
            reason = f"First touchpoint: {activity.type.replace('_', ' ')} from {event.data.source}."
            decision = StageDecision(Stage.PROSPECT.value, reason, tuple(new_lines))
        if decision is not None:
            # A new lead enters at the stage its first touchpoint earns (from_stage None), in one
            # event, so no consumer acts on a 'prospect' that is already disqualified.
            if decision.to_stage == Stage.SALES_READY.value:
                lead.episode += 1
            from_stage = None if lead.is_new else lead.stage
            out.append(self._stage_event(event, lead, score, from_stage, decision.to_stage, decision.reason, decision.evidence))
            lead.stage = decision.to_stage
        lead.is_new = False
        lead.agreement_version = self.policy.version
        lead.review_at = self._next_review(lead, score)
        batch.stage_changes += [change for _, change in out]
        own = decayed_lines(new_lines, now, lead.behaviour.half_life_days)
        out.append((topics.LEAD_SCORES, self._scored_event(event, lead, score, own)))
        return out

    def _capped_rules(self) -> tuple[list[str], timedelta]:
        caps = self.policy.behaviour.caps
        return [f"behaviour.{t}" for t in caps], timedelta(days=max((c.days for c in caps.values()), default=0))

    async def _cap_windows(self, repo: SqlLeadScores, lead_ids: list[str], earliest: datetime) -> dict[str, list]:
        """What the caps' windows of touchpoints from `earliest` on can see, not the whole ledger."""
        rules, longest = self._capped_rules()
        return await repo.lines_since(lead_ids, rules, span_before(earliest, longest))

    async def fresh_behaviour(self, repo: SqlLeadScores, leads: list[LeadState]) -> None:
        """A lead stored before the running state, recycled since, or under another half-life is
        rebuilt from its ledger once (one statement for all of them); the others cost nothing."""
        half_life = self.policy.behaviour.half_life_days
        stale = [l for l in leads if not l.behaviour_current(half_life)]
        if not stale:
            return
        now = self.clock()
        ledgers = await repo.ledgers([l.lead_id for l in stale])
        for lead in stale:
            lead.behaviour = BehaviourState.of(ledgers[lead.lead_id], half_life, now, lead.engagement_since)

    async def _adopt_visitor(self, repo: SqlLeadScores, batch: _Batch, lead: LeadState, anonymous_id: str) -> list:
        """The visitor's earlier touchpoints become the lead's and count for it, in time order."""
        rows = await repo.adopt_touchpoints(lead_id_for_visitor(anonymous_id), lead.lead_id)
        if not rows:
            return []
        if not lead.is_new:  # the caps' windows reach back to the oldest adopted touchpoint
            window = await self._cap_windows(repo, [lead.lead_id], rows[0].occurred_at)
            added = [line for lead_id, line, _ in batch.changes if lead_id == lead.lead_id]
            batch.ledgers[lead.lead_id] = window[lead.lead_id] + added
        earlier = batch.ledgers[lead.lead_id]
        adopted = []
        for stored in rows:
            data = TouchpointData.model_validate(stored.data)
            lead.profile = lead.profile.merged(profile_from(data, self.policy), stored.occurred_at)
            lines = behaviour_lines(activity_from(stored.event_id, data, stored.occurred_at), earlier + adopted, self.policy)
            adopted += lines
        return adopted

    async def on_stage_changed(self, session: AsyncSession, event: LeadStageChanged) -> list:
        """Sales moved the lead (accepted, recycled, ...): follow, so the agreement applies anew."""
        if event.data.changed_by == SERVICE:
            return []
        repo = SqlLeadScores(session)
        lead = await repo.get(event.lead_id, for_update=True)
        if lead is None:
            return []
        lead.stage = event.data.to_stage.value
        if lead.stage == Stage.RECYCLED.value and self.policy.recycle.reset_engagement:
            lead.engagement_since = event.occurred_at
        await repo.save(lead)
        await repo.add_stage_change(event)
        return []

    async def review(self, session: AsyncSession, lead_id: str) -> list:
        """Time passed: decay may have dropped the lead under its stage's threshold."""
        await self.follow_active_agreement(session)
        repo = SqlLeadScores(session)
        lead = await repo.get(lead_id, for_update=True)
        if lead is None:
            return []
        await self.fresh_behaviour(repo, [lead])
        now = self.clock()
        score = score_running(lead.profile, lead.behaviour, now, self.policy, self._memo())
        decision = decide_stage(  # decay lowers; time alone sends no one to sales
            lead.stage, score.fit, score.engagement, lead.profile, False, self.policy, self._why(score),
            current_touchpoint=False,
        )
        out = []
        if decision is not None:
            key = lead.review_at.isoformat() if lead.review_at else now.isoformat()
            event_id = derived_event_id("review", lead_id, key)
            out.append(self._stage_event(None, lead, score, lead.stage, decision.to_stage, decision.reason,
                                         decision.evidence, event_id=event_id, at=now))
            lead.stage = decision.to_stage
            await repo.add_stage_change(out[-1][1])
        lead.review_at = self._next_review(lead, score)
        await repo.save(lead)
        return out

    async def apply_agreement(self, session: AsyncSession, lead_ids: list[str]) -> tuple[list, int]:
        """A new agreement was switched on: rebuild these leads under it (a change of stage is an
        event), and say how many touchpoints were replayed. Their touchpoints are read once the leads
        are locked, so one scored meanwhile is in the rebuilt ledger, not lost from it."""
        repo = SqlLeadScores(session)
        found = await repo.get_many(lead_ids, for_update=True)
        recorded = await stored_touchpoints(session, list(found), self.policy)
        cutoff = await touchpoints_pruned_before(session)  # older ones purged: start from what was said before
        now, out, ledgers = self.clock(), [], []
        rebuilt = [lead for lead in found.values() if lead.lead_id in recorded]  # nothing stored: nothing to replay
        for lead in rebuilt:
            start = lead.profile.said_before(cutoff) if cutoff else None
            replayed = replay(recorded[lead.lead_id], self.policy, now, lead.engagement_since, self._memo(), start=start)
            would_be, reason = stage_under(lead.stage, replayed, self.policy)
            ledgers += [(lead.lead_id, line, self.policy.version) for line in replayed.ledger]
            lead.profile = replayed.profile
            lead.behaviour = BehaviourState.of(list(replayed.ledger), self.policy.behaviour.half_life_days, now,
                                               lead.engagement_since)
            if would_be != lead.stage:
                if would_be == Stage.SALES_READY.value:
                    lead.episode += 1
                event_id = derived_event_id("switch", self.policy.version, lead.lead_id)
                reason = f"Agreement {self.policy.version} switched on: {reason}"
                out.append(self._stage_event(None, lead, replayed.score, lead.stage, would_be, reason,
                                             self._why(replayed.score), event_id=event_id, at=now))
                lead.stage = would_be
            lead.agreement_version = self.policy.version
            lead.persona = replayed.score.fit.persona
            lead.review_at = self._next_review(lead, replayed.score)
        await repo.replace_ledgers([lead.lead_id for lead in rebuilt], ledgers)
        await repo.add_stage_changes([event for _, event in out])
        await repo.save_many(rebuilt)
        return out, sum(len(found) for found in recorded.values())

    def _next_review(self, lead: LeadState, score: Score) -> datetime | None:
        if lead.stage != Stage.MARKETING_LEAD.value:
            return None  # only a marketing lead can decay back, before sales ever see it
        base = score.total - score.engagement
        return falls_below_at(
            base, score.engagement, self.policy.thresholds.marketing_lead, self.clock(),
            self.policy.behaviour.half_life_days,
        )

    def _why(self, score: Score) -> tuple[ScoreLine, ...]:
        """Evidence for a move: the behaviour that counted, strongest first, then the fit."""
        return tuple(_strongest(score)) + score.bant + score.fit.lines

    def _stage_event(self, cause, lead, score, from_stage, to_stage, reason, evidence, event_id=None, at=None) -> tuple:
        change = LeadStageChanged.new(
            lead_id=lead.lead_id,
            cause=cause,
            occurred_at=at,
            event_id=event_id or derived_event_id("stage", cause.event_id, to_stage),
            data=StageChangeData(
                from_stage=from_stage, to_stage=to_stage, reason=reason, evidence=_evidence(evidence),
                changed_by=SERVICE, episode=lead.episode, agreement_version=self.policy.version,
                snapshot=snapshot(lead, score, at or self.clock()),
            ),
        )
        return topics.LEAD_LIFECYCLE, change

    def _scored_event(self, cause, lead, score, own: tuple[ScoreLine, ...]) -> LeadScored:
        return LeadScored.new(
            lead_id=lead.lead_id,
            cause=cause,
            event_id=derived_event_id("scored", cause.event_id),
            data=ScoreData(
                fit_score=score.fit.score, fit_grade=score.fit.grade, engagement_score=score.engagement,
                total_score=round(score.total, 2), stage=lead.stage, persona=score.fit.persona,
                agreement_version=self.policy.version, explanation=_evidence(_explanation(score, own)),
                touchpoint_id=cause.event_id,
            ),
        )
