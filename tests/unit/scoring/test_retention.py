"""After SCORING_RETENTION_DAYS purged a lead's early touchpoints, a replay starts from what its
profile says was said before the cutoff, and ends where the live profile is."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from scoring.domain.model import LeadProfile
from scoring.domain.replay import Recorded, replay

from .helpers import NOW, a_lead, an_activity, sample_policy

CUTOFF = NOW - timedelta(days=730)
EARLY = CUTOFF - timedelta(days=30)


def test_fields_said_before_the_cutoff_stay_and_those_said_since_go_with_their_times():
    profile = LeadProfile().merged(LeadProfile(job_title="Leiterin Einkauf", company_name="Example GmbH",
                                               bant={"budget": "ja"}), EARLY)
    profile = profile.merged(LeadProfile(job_title="Einkaufsleiterin", phone="+49 30 1", bant={"need": "x"}), NOW)
    kept = profile.said_before(CUTOFF)
    assert (kept.job_title, kept.company_name, kept.phone, kept.bant) == (None, "Example GmbH", None, {"budget": "ja"})
    assert set(kept.said_at) == {"company_name", "bant.budget"}


def test_a_field_said_at_no_known_time_stays():
    assert LeadProfile(industry="retail").said_before(CUTOFF).industry == "retail"


def test_a_field_said_at_the_cutoff_itself_is_in_the_kept_touchpoints_so_it_goes():
    assert LeadProfile().merged(LeadProfile(country="DE"), CUTOFF).said_before(CUTOFF).country is None


_SAYS = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from(["job_title", "company_name", "country", "bant.budget"]),
              st.sampled_from(["a", "b", "c"])),
    max_size=12, unique_by=lambda say: say[0],  # one say per moment: ties have no order by time
)


def _profile(field: str, value: str) -> LeadProfile:
    return LeadProfile(bant={"budget": value}) if field == "bant.budget" else LeadProfile(**{field: value})


@given(_SAYS, st.permutations(range(12)), st.integers(0, 41))
def test_the_kept_says_replayed_from_the_profile_said_before_the_cutoff_end_where_the_live_profile_is(
        says, arrival, cut_day):
    at = {day: EARLY + timedelta(days=day) for day, _, _ in says}
    cutoff = EARLY + timedelta(days=cut_day)
    live = LeadProfile()
    for i in [i for i in arrival if i < len(says)]:  # live: in any order of arrival
        day, field, value = says[i]
        live = live.merged(_profile(field, value), at[day])
    replayed = live.said_before(cutoff)
    for day, field, value in sorted(says):  # a replay: the kept ones, in the order they happened
        if at[day] >= cutoff:
            replayed = replayed.merged(_profile(field, value), at[day])
    assert replayed == live


def test_a_replay_from_the_profile_said_before_the_purge_keeps_job_title_and_company():
    said_early = LeadProfile().merged(a_lead(), EARLY)
    only_email = LeadProfile(email=a_lead().email)
    kept = [Recorded(an_activity("webinar_attended", NOW - timedelta(days=i), f"tp{i}"), only_email) for i in (2, 1)]
    policy = sample_policy()
    forgetting = replay(kept, policy, NOW)
    remembering = replay(kept, policy, NOW, start=said_early.said_before(CUTOFF))
    assert forgetting.profile.job_title is None
    assert (remembering.profile.job_title, remembering.profile.company_name) == ("Leiterin Einkauf", "Example Industrie GmbH")
    assert remembering.score.fit.score > forgetting.score.fit.score


def test_a_retention_shorter_than_a_year_is_refused(monkeypatch):
    """Caps are counted per period and a late touchpoint corrects its period: purging inside a
    period would let a late one earn points beyond its cap."""
    import pytest
    from pydantic import ValidationError
    from scoring.settings import Settings

    monkeypatch.setenv("LEADFLOW_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9")
    with pytest.raises(ValidationError, match="greater than or equal to 365"):
        Settings(database={"url": "postgresql+asyncpg://u:p@h/db"}, retention_days=30)
    assert Settings(database={"url": "postgresql+asyncpg://u:p@h/db"}, retention_days=730).retention_days == 730
