from datetime import UTC, datetime, time, timedelta

from nurture.domain import Blocker, QuietHours, plan_next
from nurture.domain.timing import lead_zone, quiet_hours

from .builders import a_catalogue, a_lead, a_sent_step

# 2026-11-23 is a Monday; Berlin is UTC+1 in winter, UTC+2 in summer.
NIGHTS = QuietHours(
    start=time(19), end=time(8), weekends=True, default_zone="Europe/Berlin",
    zones_by_country={"DE": "Europe/Berlin", "GB": "Europe/London"},
)
NIGHTS_ONLY = QuietHours(start=time(19), end=time(8), weekends=False, default_zone="Europe/Berlin")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def held_until(moment, lead=None, quiet=NIGHTS):
    found = quiet_hours(lead or a_lead(), quiet, moment)
    return found.until if found else None


def test_working_hours_are_not_quiet():
    assert held_until(utc(2026, 11, 23, 9, 0)) is None  # 10:00 in Berlin


def test_evening_is_held_until_eight_next_morning_local_time():
    assert held_until(utc(2026, 11, 23, 18, 30)) == utc(2026, 11, 24, 7, 0)  # 19:30 -> 08:00 Berlin


def test_early_morning_is_held_until_eight_the_same_day():
    assert held_until(utc(2026, 11, 24, 6, 0)) == utc(2026, 11, 24, 7, 0)


def test_quiet_hours_end_exactly_at_their_end():
    assert held_until(utc(2026, 11, 24, 7, 0)) is None


def test_friday_evening_is_held_until_monday_morning():
    assert held_until(utc(2026, 11, 27, 19, 0)) == utc(2026, 11, 30, 7, 0)


def test_saturday_noon_is_held_until_monday_morning():
    assert held_until(utc(2026, 11, 28, 11, 0)) == utc(2026, 11, 30, 7, 0)


def test_weekends_are_free_when_the_agreement_allows_them():
    assert held_until(utc(2026, 11, 28, 11, 0), quiet=NIGHTS_ONLY) is None


def test_night_into_the_spring_dst_change_ends_at_eight_summer_time():
    # Sat 28 Mar 2026 23:00 CET; clocks go forward that night, so 08:00 CEST is 06:00 UTC.
    assert held_until(utc(2026, 3, 28, 22, 0), quiet=NIGHTS_ONLY) == utc(2026, 3, 29, 6, 0)


def test_night_into_the_autumn_dst_change_ends_at_eight_winter_time():
    # Sat 24 Oct 2026 22:00 CEST; clocks go back that night, so 08:00 CET is 07:00 UTC.
    assert held_until(utc(2026, 10, 24, 20, 0), quiet=NIGHTS_ONLY) == utc(2026, 10, 25, 7, 0)


def test_quiet_hours_start_at_nineteen_local_on_either_side_of_dst():
    assert held_until(utc(2026, 3, 30, 16, 59), quiet=NIGHTS_ONLY) is None  # 18:59 CEST
    assert held_until(utc(2026, 3, 30, 17, 0), quiet=NIGHTS_ONLY) is not None  # 19:00 CEST


# --- whose time zone -------------------------------------------------------------------------

MORNING_IN_BERLIN = utc(2026, 11, 23, 7, 30)  # 08:30 Berlin, 07:30 London, 02:30 New York


def test_the_leads_own_zone_wins_over_its_company_country():
    lead = a_lead(time_zone="America/New_York", country="DE")
    assert lead_zone(lead, NIGHTS) == "America/New_York"
    assert held_until(MORNING_IN_BERLIN, lead) == utc(2026, 11, 23, 13, 0)  # 08:00 in New York


def test_the_company_country_is_used_when_the_lead_has_no_zone():
    lead = a_lead(country="gb")
    assert lead_zone(lead, NIGHTS) == "Europe/London"
    assert held_until(MORNING_IN_BERLIN, lead) == utc(2026, 11, 23, 8, 0)


def test_an_unmapped_country_falls_back_to_the_default_zone():
    lead = a_lead(country="FR")
    assert lead_zone(lead, NIGHTS) == "Europe/Berlin"
    assert held_until(MORNING_IN_BERLIN, lead) is None


def test_an_invalid_zone_from_a_sender_is_ignored():
    assert lead_zone(a_lead(time_zone="Mars/Olympus", country="GB"), NIGHTS) == "Europe/London"


def test_without_any_zone_there_are_no_quiet_hours():
    quiet = QuietHours(start=time(19), end=time(8), weekends=True)
    assert held_until(utc(2026, 11, 28, 23, 0), quiet=quiet) is None


# --- in the plan ------------------------------------------------------------------------------


def test_a_step_due_in_the_night_is_planned_for_the_morning():
    catalogue = a_catalogue(quiet_hours=NIGHTS)
    plan = plan_next(a_lead(), [], set(), catalogue, utc(2026, 11, 23, 20, 0))
    assert plan.nothing_due.blocker == Blocker.QUIET_HOURS
    assert plan.nothing_due.until == utc(2026, 11, 24, 7, 0)
    assert plan.step.due_at == utc(2026, 11, 24, 7, 0)
    assert "Europe/Berlin" in plan.nothing_due.text


def test_quiet_hours_are_checked_when_the_contact_limit_ends():
    # The gap ends Saturday 09:00 UTC, a weekend: the step waits for Monday 08:00 Berlin.
    catalogue = a_catalogue(gap_hours=48, quiet_hours=NIGHTS)
    thursday = utc(2026, 11, 26, 9, 0)
    sent = [a_sent_step("ml-ausschreibung", timedelta(0), sent_at=thursday, answered_at=thursday)]
    plan = plan_next(a_lead(), sent, set(), catalogue, thursday + timedelta(hours=1))
    assert plan.nothing_due.blocker == Blocker.QUIET_HOURS
    assert plan.nothing_due.until == utc(2026, 11, 30, 7, 0)
