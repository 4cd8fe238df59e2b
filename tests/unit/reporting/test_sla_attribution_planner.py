from datetime import timedelta

import pytest
from reporting.domain.attribution import attribution, touches_kept
from reporting.domain.planner import OutOfRange, PlanInput, plan
from reporting.domain.sla import sla_report
from reporting.reports import RATE_KEYS, attribution_from, plan_report

from .history import WEEK, h, small_history


def test_sla_compliance_overall_and_per_rep():
    report = sla_report(small_history().handoffs, WEEK, now=h(100))
    overall = report["overall"]
    # ha 15 min: in time; hb1 60 min: late but within the day; hb2: no answer, both deadlines passed; he: 6 min
    assert overall["within_first_contact"] == 2 and overall["first_contact_rate"] == 0.5
    assert overall["within_hard_limit"] == 3 and overall["hard_limit_rate"] == 0.75
    assert overall["open_breaches"] == 1
    assert report["by_rep"]["rep-1"]["handed_off"] == 2
    assert report["by_team"]["sued"]["first_contact_rate"] == 1.0


def test_undecided_sla_is_not_counted_yet():
    report = sla_report(small_history().handoffs, WEEK, now=h(40.2))
    assert report["overall"]["awaiting_contact"] == 1  # hb2 is not due yet


def test_first_last_and_linear_attribution_for_sales_ready():
    result = attribution(small_history(), "sales_ready", WEEK)
    items = {i["item"]: i for i in result["items"]}
    assert result["leads"] == 3
    assert items["wb-1"]["first_touch"] == 1 and items["tt-1"]["last_touch"] == 1
    assert items["wp-1"]["linear"] == pytest.approx(1 / 3 + 1 / 2, abs=0.001)
    assert sum(i["linear"] for i in result["items"]) == pytest.approx(3, abs=0.01)


def test_planner_works_back_from_the_revenue_target():
    result = plan(PlanInput(
        revenue_target_eur=10_000_000, marketing_share=0.4, average_deal_eur=50_000,
        rates={"opportunity_to_won": 0.25, "sales_accepted_to_opportunity": 0.5,
               "sales_ready_to_sales_accepted": 0.8, "marketing_lead_to_sales_ready": 0.2},
    ), run_rate_per_week={"marketing_lead": 300})
    needed = result["needed"]
    assert needed["won"]["year"] == {"exact": 80.0, "to_plan": 80}
    assert needed["opportunity"]["year"]["exact"] == 320.0
    assert needed["sales_accepted"]["year"]["exact"] == 640.0
    assert needed["sales_ready"]["year"]["exact"] == 800.0
    assert needed["marketing_lead"]["year"]["exact"] == 4000.0
    assert needed["won"]["quarter"] == {"exact": 20.0, "to_plan": 20}
    assert needed["won"]["week"] == {"exact": 1.54, "to_plan": 2}
    assert needed["marketing_lead"]["week"]["exact"] == 76.92
    assert needed["marketing_lead"]["on_track"] is True
    assert needed["won"]["on_track"] is False


def test_the_planner_example_in_the_docs_is_what_the_planner_answers():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[3] / "docs/reporting.md").read_text()
    example = " ".join(doc[doc.index("Example: 10,000,000 EUR"):].split("\n\n")[0].split())
    rates = {"marketing_lead_to_sales_ready": 0.25, "sales_ready_to_sales_accepted": 0.5,
             "sales_accepted_to_opportunity": 0.8, "opportunity_to_won": 0.2}
    needed = plan(PlanInput(10_000_000, 0.4, 50_000, rates))["needed"]
    year = {stage: f"{needed[stage]['year']['to_plan']:,}" for stage in needed}
    assert (f"{year['won']} wins, {year['opportunity']} opportunities, {year['sales_accepted']} accepted,"
            f" {year['sales_ready']} sales-ready, {year['marketing_lead']} marketing leads a year") in example
    assert f"{needed['won']['week']['exact']} wins a week (to plan: {needed['won']['week']['to_plan']})" in example


@pytest.mark.parametrize("target, deal, rate", [(1e308, 1, 1e-308), (1e308, 1e-308, 0.5), (float("inf"), 1, 0.5)])
def test_a_plan_beyond_any_number_is_refused_not_a_crash(target, deal, rate):
    rates = dict.fromkeys(RATE_KEYS, rate)
    with pytest.raises(OutOfRange):
        plan(PlanInput(target, 1, deal, rates))
    report = plan_report(small_history(), h(100), target, 1, deal, rates)
    assert report["error"] == "out_of_range" and report["detail"]


class _Credits:
    """SqlReports' attribution rows for three items, two leads; touches purged up to `pruned_before`."""

    def __init__(self, pruned_before=None) -> None:
        self.pruned_before = pruned_before

    async def attribution(self, stage, period):
        return [("wb-1", 1, 0, 0.5), ("pricing", 0, 2, 1.0), ("case-1", 1, 0, 0.5)]

    async def touches_pruned_before(self):
        return self.pruned_before


async def test_the_attribution_lists_its_top_items_and_says_when_it_left_some_out():
    report = await attribution_from(_Credits(), WEEK, "sales_ready", limit=2)
    assert [i["item"] for i in report["items"]] == ["pricing", "case-1"]  # most linear credit first
    assert report["leads"] == 2  # every lead, listed or not
    assert report["items_listed"] == {"count": 2, "limit": 2, "items": 3, "complete": False}
    assert (await attribution_from(_Credits(), WEEK, "sales_ready", limit=3))["items_listed"]["complete"] is True


def test_attribution_says_its_touches_are_complete_when_none_were_purged_or_only_before_the_period():
    assert touches_kept(WEEK, None) == {"touches_pruned_before": None, "touches_complete": True}
    assert touches_kept(WEEK, WEEK.start)["touches_complete"] is True


async def test_attribution_for_a_period_starting_before_the_retention_cutoff_says_it_is_incomplete():
    cutoff = WEEK.start + timedelta(days=2)
    report = await attribution_from(_Credits(pruned_before=cutoff), WEEK, "sales_ready")
    assert report["touches_pruned_before"] == cutoff.isoformat() and report["touches_complete"] is False
    assert report["leads"] == 2  # the figures of what remains, not an error
