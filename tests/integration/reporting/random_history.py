"""A random but realistic event stream for reporting: leads through the funnel (fast lanes,
recycling, disqualification, lost deals, personas that change), touches with sources,
campaigns and content (some from visitors who name themselves later, some who never do),
handoffs with CRM answers in time, late or never, events that fall exactly on the
boundaries of the periods a test asks about, and some events delivered twice."""

import random
from datetime import UTC, datetime, timedelta

from lead_events import (
    Contact, CrmFeedbackReceived, FeedbackData, HandoffData, LeadHandedOff, LeadSnapshot, LeadStageChanged,
    RepAssignment, StageChangeData, TouchpointData, TouchpointRecorded, lead_id_for, lead_id_for_visitor,
)

NEXT = {  # where a lead may go from each stage
    "prospect": ["marketing_lead", "marketing_lead", "disqualified"],
    "marketing_lead": ["sales_ready", "sales_ready", "disqualified"],
    "sales_ready": ["sales_accepted", "sales_accepted", "recycled", "disqualified"],
    "sales_accepted": ["opportunity", "opportunity", "recycled"],
    "opportunity": ["won", "lost"],
    "recycled": ["marketing_lead", "sales_ready"],
}
REASONS = {
    "recycled": ["not_ready", "no_budget", "Recycled: timing. Later.", ""],
    "disqualified": ["Disqualified: competitor: rival.example is on the list.", "student", "Rejected by sales: consultant.",
                     "Disqualified: student: a thesis."],
}
TYPES = ["page_visited", "whitepaper_downloaded", "webinar_attended", "pricing_viewed", "form_submitted", "email_clicked"]


def random_stream(seed: int, now: datetime, leads: int, boundaries: list[datetime]) -> list:
    rng = random.Random(seed)
    events: list = []
    for n in range(leads):
        events += _lead(rng, n, now, boundaries)
    for n in range(leads // 10):  # visitors who never name themselves
        events += [_touch(rng, lead_id_for_visitor(f"anon-{seed}-{n}"), {"anonymous_id": f"anon-{seed}-{n}"},
                          now - timedelta(days=rng.uniform(0, 90))) for _ in range(rng.randint(1, 3))]
    events += rng.sample(events, len(events) // 50)  # delivered twice (at least once): counted once
    rng.shuffle(events)  # late and early arrivals alike
    return events


def _lead(rng: random.Random, n: int, now: datetime, boundaries: list[datetime]) -> list:
    email = f"lead-{n}-{rng.randrange(10**6)}@example-industrie.de"
    lead = lead_id_for(email)
    at = now - timedelta(days=rng.uniform(0, 100), microseconds=rng.randrange(10**6))
    events, stages = [], []
    stage = rng.choice(["prospect", "prospect", "marketing_lead", "sales_ready", "disqualified"]) if rng.random() < 0.9 else None
    previous, persona = None, rng.choice([None, "purchasing", "production"])
    while stage:
        stages.append((previous, stage, at))
        if rng.random() < 0.3:
            persona = rng.choice([None, "purchasing", "production", "management"])
        events.append(LeadStageChanged.new(lead_id=lead, occurred_at=at, data=StageChangeData(
            from_stage=previous, to_stage=stage, reason=rng.choice(REASONS.get(stage, ["score"])),
            changed_by="scoring", snapshot=LeadSnapshot(persona=persona))))
        if stage == "sales_ready":
            events += _handoff(rng, lead, at, len(events), now)
        previous, stage = stage, rng.choice(NEXT.get(stage, [None])) if rng.random() < 0.8 else None
        at = _later(rng, at, boundaries)
    contact = {"email": email}
    if rng.random() < 0.25:  # a visitor first, named later: the early touches become the lead's
        visitor = f"visitor-{n}-{rng.randrange(10**6)}"
        contact["anonymous_id"] = visitor
        first = stages[0][2] if stages else at
        events += [_touch(rng, lead_id_for_visitor(visitor), {"anonymous_id": visitor},
                          first - timedelta(days=rng.uniform(1, 20))) for _ in range(rng.randint(1, 3))]
    for _ in range(rng.randint(0, 6)):
        base = rng.choice(stages)[2] if stages else at
        when = base if rng.random() < 0.15 else base + timedelta(hours=rng.uniform(-200, 100))  # some at the very moment
        events.append(_touch(rng, lead, contact, when))
    return _unique_touch_times(events)


def _later(rng: random.Random, at: datetime, boundaries: list[datetime]) -> datetime:
    nxt = at + timedelta(hours=rng.expovariate(1 / 100), microseconds=rng.randrange(10**6))
    crossed = [b for b in boundaries if at < b <= nxt]
    return crossed[0] if crossed and rng.random() < 0.4 else nxt  # exactly on a period's edge


def _touch(rng: random.Random, lead_id: str, contact: dict, at: datetime) -> TouchpointRecorded:
    properties = {}
    if rng.random() < 0.6:
        properties["utm_campaign"] = rng.choice(["autumn", "tender-2027", "herbst"])
    if rng.random() < 0.6:
        properties[rng.choice(["content_id", "webinar_id"])] = rng.choice(["wp-1", "wp-2", "wb-1", "cs-9"])
    return TouchpointRecorded.new(lead_id=lead_id, occurred_at=at, data=TouchpointData(
        type=rng.choice(TYPES), source=rng.choice(["website", "webinar-platform", "linkedin"]),
        contact=Contact.model_validate(contact), properties=properties))


def _handoff(rng: random.Random, lead: str, at: datetime, episode: int, now: datetime) -> list:
    handoff_id = f"{lead}-h{episode}"
    rep = rng.choice([None, RepAssignment(rep_id="rep-1", team="nord", rule="territory", reason="r"),
                      RepAssignment(rep_id="rep-2", team="nord", rule="territory", reason="r"),
                      RepAssignment(rep_id="rep-3", team="sued", rule="territory", reason="r"),
                      RepAssignment(rep_id=None, team=None, rule="unassigned", reason="r")])
    at = rng.choice([at] * 8 + [now - timedelta(minutes=30), now - timedelta(hours=24)])  # some due exactly now
    due, hard = at + timedelta(minutes=30), at + timedelta(hours=24)
    events = [LeadHandedOff.new(lead_id=lead, occurred_at=at, data=HandoffData(
        handoff_id=handoff_id, episode=episode, lead=LeadSnapshot(), reason="r",
        sla_first_contact_due=due, sla_hard_limit=hard, assigned_to=rep))]
    for _ in range(rng.choice([0, 1, 1, 2])):
        answered = at + timedelta(minutes=rng.choice([10, 30, 45, 60 * 24, 60 * 30]))
        events.append(CrmFeedbackReceived.new(lead_id=lead, data=FeedbackData(
            outcome="contacted", at=answered, handoff_id=handoff_id if rng.random() < 0.8 else None)))
    return events


def _unique_touch_times(events: list) -> list:
    """Two touches of one lead at the same instant have no order the definitions agree on."""
    seen: set = set()
    out = []
    for e in events:
        if isinstance(e, TouchpointRecorded):
            while (e.lead_id, e.occurred_at) in seen:
                e = e.model_copy(update={"occurred_at": e.occurred_at + timedelta(microseconds=1)})
            seen.add((e.lead_id, e.occurred_at))
        out.append(e)
    return out


def epoch(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
