"""The replay keeps running state so a step costs the same whatever came before; it must decide
exactly as the definition does: each touchpoint scored over the whole ledger so far."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring.domain.model import LeadProfile
from scoring.domain.replay import Recorded, Replayed, replay
from scoring.domain.rules.caps import period_of
from scoring.domain.rules import behaviour_lines, decide_stage, wants_sales_contact
from scoring.domain.score import score_lead

from .helpers import NOW, a_lead, an_activity, sample_policy

TYPES = ["page_visited", "email_opened", "email_clicked", "webinar_attended", "whitepaper_downloaded",
         "pricing_viewed", "contact_requested", "tender_document_downloaded"]
PROFILES = [a_lead(), a_lead(job_title="Sachbearbeiter", industry="retail"), LeadProfile(email="x@competitor.example"),
            a_lead(bant={"budget": "yes"})]


def by_definition(touchpoints, policy, now, since=None) -> Replayed:
    """The replay as first written: every step sums the whole ledger again (quadratic, the oracle)."""
    profile, ledger, seen = LeadProfile(), [], set()
    stage, reason = "prospect", "No touchpoint yet."
    for tp in touchpoints:
        if tp.activity.touchpoint_id in seen:
            continue
        seen.add(tp.activity.touchpoint_id)
        profile = profile.merged(tp.profile, tp.activity.occurred_at)
        ledger += behaviour_lines(tp.activity, ledger, policy)
        score = score_lead(profile, ledger, tp.activity.occurred_at, policy, since)
        decision = decide_stage(stage, score.fit, score.engagement, profile, wants_sales_contact(tp.activity, policy), policy, ())
        if decision is not None:
            stage, reason = decision.to_stage, decision.reason
    score = score_lead(profile, ledger, now, policy, since)
    decision = decide_stage(stage, score.fit, score.engagement, profile, False, policy, ())
    if decision is not None:
        stage, reason = decision.to_stage, decision.reason
    return Replayed(profile, tuple(ledger), stage, reason, score)


touchpoint = st.tuples(st.sampled_from(TYPES), st.floats(0, 24 * 120), st.sampled_from(range(len(PROFILES))),
                       st.integers(0, 4))


@settings(max_examples=300, deadline=None)
@given(st.lists(touchpoint, max_size=40), st.booleans(), st.floats(0, 24 * 200))
def test_replay_decides_as_the_whole_ledger_does(steps, sorted_by_time, since_hours):
    """In time order (as stored) or not (a property of the rules, not of the storage), with a
    recycle's `since` or without, under caps and corrections."""
    journey = [Recorded(an_activity(t, NOW + timedelta(hours=h), f"tp{i}", questions_asked=q), PROFILES[p])
               for i, (t, h, p, q) in enumerate(steps)]
    if sorted_by_time:
        journey.sort(key=lambda r: (r.activity.occurred_at, r.activity.touchpoint_id))
    policy, now = sample_policy(), NOW + timedelta(days=150)
    since = NOW + timedelta(hours=since_hours) if since_hours > 24 * 100 else None
    fast, oracle = replay(journey, policy, now, since), by_definition(journey, policy, now, since)
    assert (fast.stage, fast.reason, fast.ledger, fast.profile) == (oracle.stage, oracle.reason, oracle.ledger, oracle.profile)
    assert fast.score == oracle.score
    unexplained = replay(journey, policy, now, since, explained=False)  # what a shadow report reads
    assert (unexplained.stage, unexplained.reason, unexplained.score.fit) == (oracle.stage, oracle.reason, oracle.score.fit)
    assert abs(unexplained.score.engagement - oracle.score.engagement) <= 0.01


def test_a_long_history_replays_in_time_linear_in_its_length():
    """10,000 page visits of one lead: the definition would sum 50 million decayed lines."""
    journey = [Recorded(an_activity("page_visited", NOW + timedelta(minutes=30 * i), f"v{i}"), a_lead())
               for i in range(10_000)]
    result = replay(journey, sample_policy(), NOW + timedelta(days=300))
    per_period = {}
    for line in result.ledger:
        key = period_of(line.occurred_at, 30)[0]
        per_period[key] = per_period.get(key, 0) + line.points
    assert len(per_period) >= 7 and set(per_period.values()) == {10}  # the cap, every 30-day period
