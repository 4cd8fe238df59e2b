from reporting.domain.funnel import funnel, reason_category, reached
from reporting.domain.slicing import groups_of, restricted

from .history import WEEK, h, small_history

NOW = h(100)


def test_a_fast_lane_lead_reaches_every_earlier_stage_at_once():
    reach = reached(small_history().stages)
    assert reach["e"] == {"prospect": h(4), "marketing_lead": h(4), "sales_ready": h(4)}


def test_leads_per_stage_now():
    assert funnel(small_history(), WEEK, NOW)["leads_per_stage"] == {
        "won": 1, "sales_accepted": 1, "prospect": 1, "disqualified": 1, "marketing_lead": 1,
    }


def test_conversion_counts_each_lead_once_even_after_a_second_episode():
    conv = funnel(small_history(), WEEK, NOW)["conversion"]
    # reached MQL: a, b, e (d was disqualified at entry and reached nothing in the funnel)
    assert conv["prospect->marketing_lead"] == {"from": 4, "converted": 3, "rate": 0.75}
    assert conv["marketing_lead->sales_ready"] == {"from": 3, "converted": 3, "rate": 1.0}
    assert conv["sales_ready->sales_accepted"] == {"from": 3, "converted": 2, "rate": 0.6667}
    assert conv["opportunity->won"] == {"from": 1, "converted": 1, "rate": 1.0}


def test_flows_count_every_episode():
    report = funnel(small_history(), WEEK, NOW)
    assert report["flows"]["sales_ready"] == {"in": 4, "out": 4}
    assert report["sales_ready_episodes"] == 4


def test_recycle_rate_and_reasons():
    recycled = funnel(small_history(), WEEK, NOW)["recycled"]
    assert recycled == {"count": 2, "rate": 0.5, "reasons": {"not_ready": 1, "no_budget": 1}}


def test_disqualification_reasons_are_categories():
    assert funnel(small_history(), WEEK, NOW)["disqualified"] == {"count": 1, "reasons": {"competitor": 1}}
    assert reason_category("Disqualified: consultant: job title 'Berater'") == "consultant"


def test_time_in_stage_is_the_median_of_finished_stays():
    hours = funnel(small_history(), WEEK, NOW)["time_in_stage_hours"]
    # sales_ready stays: a 1 h, b 1 h and 1 h, e 4 h -> median 1; recycled: b 34 h, e 52 h -> 43
    assert hours["sales_ready"] == 1.0
    assert hours["recycled"] == 43.0


def test_marketing_and_sales_kpis_are_kept_apart():
    report = funnel(small_history(), WEEK, NOW)
    assert report["marketing"] == {"marketing_leads": 3, "sales_ready_leads": 3, "mql_to_srl": 1.0}
    assert report["sales"]["accepted"] == 2 and report["sales"]["opportunities"] == 1 and report["sales"]["won"] == 1
    assert report["sales"]["win_rate"] == 1.0


def test_slicing_by_persona_and_content():
    history = small_history()
    by_persona = groups_of(history, "persona")
    assert by_persona["purchasing"] == {"a", "d"}
    assert by_persona["unknown"] == {"c"}
    by_content = groups_of(history, "content")
    assert by_content["wp-1"] == {"a", "b"}
    purchasing = funnel(restricted(history, by_persona["purchasing"]), WEEK, NOW)
    assert purchasing["reached_in_period"]["won"] == 1


def test_a_period_without_events_has_no_rates():

    from reporting.domain.model import Period

    empty = funnel(small_history(), Period(h(-200), h(-100)), NOW)
    assert empty["conversion"]["prospect->marketing_lead"] == {"from": 0, "converted": 0, "rate": None}
