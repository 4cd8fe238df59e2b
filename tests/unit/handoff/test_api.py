"""The feedback request refuses what the feedback event could not hold (a 422, not a 500 after it)."""

import pytest
from pydantic import ValidationError

from handoff.api import FeedbackIn


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_decision_time_outside_the_years_1_to_9999_in_utc_is_refused(at):
    with pytest.raises(ValidationError, match="outside the years 1 to 9999"):
        FeedbackIn.model_validate({"lead_id": "x", "outcome": "lost", "at": at})


def test_a_decision_time_with_a_far_zone_inside_the_range_is_kept():
    assert FeedbackIn.model_validate({"lead_id": "x", "outcome": "won", "at": "0001-01-01T12:00:00+11:00"}).at.year == 1
