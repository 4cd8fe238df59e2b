"""A lead's profile is what the person said last by event time, whatever order the touchpoints arrive in."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring.domain.model import LeadProfile

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_an_older_form_arriving_late_does_not_overwrite_what_was_said_since():
    newer = LeadProfile(job_title="Leiter Einkauf", employees=850, bant={"budget": "ja"})
    older = LeadProfile(job_title="Sachbearbeiter", employees=40, industry="retail", bant={"budget": "nein", "need": "x"})
    lead = LeadProfile().merged(newer, T0 + timedelta(days=2)).merged(older, T0)
    assert (lead.job_title, lead.employees, lead.bant) == ("Leiter Einkauf", 850, {"budget": "ja", "need": "x"})
    assert lead.industry == "retail"  # unknown until then: the older form may fill it


def test_a_newer_answer_replaces_an_older_one_and_the_time_is_kept_per_field():
    lead = LeadProfile().merged(LeadProfile(job_title="Sachbearbeiter"), T0)
    lead = lead.merged(LeadProfile(job_title="Einkaufsleiter"), T0 + timedelta(hours=1))
    assert lead.job_title == "Einkaufsleiter"
    assert lead.said_at["job_title"] == "2026-11-02T10:00:00.000000+00:00"


def test_times_in_other_zones_compare_as_times():
    berlin = timezone_offset(1)
    lead = LeadProfile().merged(LeadProfile(country="DE"), datetime(2026, 11, 2, 10, 30, tzinfo=berlin))  # 09:30 UTC
    lead = lead.merged(LeadProfile(country="AT"), datetime(2026, 11, 2, 9, 45, tzinfo=UTC))
    assert lead.country == "AT"


def test_a_field_stored_before_times_were_kept_yields_to_any_touchpoint():
    stored = LeadProfile(job_title="Sachbearbeiter")  # no said_at: a row from before
    assert stored.merged(LeadProfile(job_title="CFO"), T0).job_title == "CFO"


def timezone_offset(hours: int):
    from datetime import timezone
    return timezone(timedelta(hours=hours))


forms = st.lists(
    st.tuples(
        st.integers(0, 10_000),  # minutes after T0
        st.sampled_from([None, "CFO", "Einkauf", "Sachbearbeiter"]),
        st.sampled_from([None, 40, 850, 5000]),
        st.dictionaries(st.sampled_from(["budget", "need", "timeline"]), st.sampled_from(["ja", "nein"]), max_size=2),
    ),
    min_size=1, max_size=8, unique_by=lambda f: f[0],  # one moment, one form: ties have no true order
)


@settings(max_examples=200, deadline=None)
@given(forms, st.randoms())
def test_any_arrival_order_and_duplicates_give_the_same_profile(forms, random):
    def fold(order):
        lead = LeadProfile()
        for minutes, title, employees, bant in order:
            lead = lead.merged(LeadProfile(job_title=title, employees=employees, bant=bant),
                               T0 + timedelta(minutes=minutes))
        return lead

    shuffled = forms + random.sample(forms, k=min(2, len(forms)))  # some arrive twice
    random.shuffle(shuffled)
    assert fold(shuffled) == fold(sorted(forms))
