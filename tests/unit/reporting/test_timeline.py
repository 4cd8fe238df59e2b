from datetime import UTC, date, datetime, timedelta

from reporting.domain.funnel_days import event_counts, lead_counts
from reporting.domain.timeline import LeadEvent, first_reached, in_order

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def an_event(event_id: str, hours: float, to_stage: str, from_stage: str | None = None) -> LeadEvent:
    return LeadEvent(event_id, "lead-a", T0 + timedelta(hours=hours), from_stage, to_stage)


def test_each_event_knows_the_leads_previous_event_and_its_highest_stage_before():
    timeline = in_order([an_event("c", 30, "recycled"), an_event("a", 0, "prospect"), an_event("b", 10, "sales_ready")])
    assert [(e.event_id, e.prev_stage, e.prior_max) for e in timeline] == [
        ("a", None, -1), ("b", "prospect", 0), ("c", "sales_ready", 2)]
    assert timeline[2].at - timeline[2].prev_at == timedelta(hours=20)


def test_a_late_event_before_the_others_changes_what_the_later_ones_know():
    known = in_order([an_event("b", 10, "sales_ready"), an_event("c", 30, "recycled")])
    assert list(known[0].reaches) == [0, 1, 2]  # a fast lane: prospect, marketing lead and sales-ready at once
    fixed = in_order([*known, an_event("a", 5, "marketing_lead")])
    assert [(e.event_id, e.prev_stage, e.prior_max) for e in fixed] == [
        ("a", None, -1), ("b", "marketing_lead", 1), ("c", "sales_ready", 2)]
    assert list(fixed[1].reaches) == [2]
    assert first_reached(fixed) == {"prospect": fixed[0].at, "marketing_lead": fixed[0].at, "sales_ready": fixed[1].at}


def test_an_event_counts_its_flows_reasons_and_the_stages_it_reaches_first_converted_by_the_highest_stage_now():
    assert sorted(event_counts("sales_ready", "marketing_lead", "", range(2, 3), highest=3)) == [
        ("converted", "sales_ready", "", 1), ("in", "sales_ready", "", 1), ("out", "marketing_lead", "", 1),
        ("reached", "sales_ready", "", 1)]
    assert sorted(event_counts("recycled", "sales_ready", "no_budget", range(0), highest=2)) == [
        ("in", "recycled", "", 1), ("out", "sales_ready", "", 1), ("reason", "recycled", "no_budget", 1)]
    counts = lead_counts(in_order([an_event("a", 0, "prospect"), an_event("b", 48, "marketing_lead", "prospect")]))
    assert (date(2026, 11, 2), "converted", "prospect", "", 1) in counts  # the lead has reached the next stage by now
    assert not [c for c in counts if c[1:3] == ("converted", "marketing_lead")]
