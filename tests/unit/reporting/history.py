"""A small event history whose figures are computed by hand in the tests."""

from datetime import UTC, datetime, timedelta

from reporting.domain.model import HandoffFacts, History, LeadFacts, Period, StageEvent, Touch

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
WEEK = Period(T0, T0 + timedelta(days=7))


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def small_history() -> History:
    """a: prospect -> MQL -> SRL -> accepted -> opportunity -> won
    b: enters as MQL -> SRL -> recycled (not ready) -> SRL again (second episode) -> accepted
    c: prospect, stays
    d: enters disqualified (competitor)
    e: fast lane: enters sales_ready -> recycled -> marketing_lead"""
    s = StageEvent
    stages = [
        s("a", None, "prospect", h(0)), s("a", "prospect", "marketing_lead", h(10)),
        s("a", "marketing_lead", "sales_ready", h(20)), s("a", "sales_ready", "sales_accepted", h(21)),
        s("a", "sales_accepted", "opportunity", h(30)), s("a", "opportunity", "won", h(50)),
        s("b", None, "marketing_lead", h(1)), s("b", "marketing_lead", "sales_ready", h(5)),
        s("b", "sales_ready", "recycled", h(6), "not_ready", "handoff"),
        s("b", "recycled", "sales_ready", h(40)), s("b", "sales_ready", "sales_accepted", h(41)),
        s("c", None, "prospect", h(2)),
        s("d", None, "disqualified", h(3), "Disqualified: competitor: competitor.example is on the list."),
        s("e", None, "sales_ready", h(4)), s("e", "sales_ready", "recycled", h(8), "no_budget", "handoff"),
        s("e", "recycled", "marketing_lead", h(60)),
    ]
    touches = [
        Touch("a", "webinar_attended", h(0), "webinar-platform", "herbst", "wb-1"),
        Touch("a", "whitepaper_downloaded", h(10), "website", "herbst", "wp-1"),
        Touch("a", "tender_document_downloaded", h(20), "website", None, "tt-1"),
        Touch("b", "whitepaper_downloaded", h(1), "website", None, "wp-1"),
        Touch("b", "pricing_viewed", h(5), "website"),
        Touch("e", "contact_requested", h(4), "website"),
    ]
    leads = {
        "a": LeadFacts("a", "purchasing", "webinar-platform", "herbst"),
        "b": LeadFacts("b", "production", "website", None),
        "c": LeadFacts("c", None, "website", None),
        "d": LeadFacts("d", "purchasing", "website", None),
        "e": LeadFacts("e", "management", "website", None),
    }
    handoffs = [
        HandoffFacts("ha", "a", h(20), h(20.5), h(44), "rep-1", "nord", responded_at=h(20.25)),
        HandoffFacts("hb1", "b", h(5), h(5.5), h(29), "rep-2", "nord", responded_at=h(6)),
        HandoffFacts("hb2", "b", h(40), h(40.5), h(64), "rep-1", "nord", responded_at=None),
        HandoffFacts("he", "e", h(4), h(4.5), h(28), "rep-3", "sued", responded_at=h(4.1)),
    ]
    return History(stages, touches, leads, handoffs)
