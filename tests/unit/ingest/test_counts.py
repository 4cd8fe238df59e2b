"""Counts as people write them into forms and spreadsheets (ingest.domain.sources.fields.count)."""

import pytest

from ingest.domain.sources.fields import count


@pytest.mark.parametrize("written, read", [
    ("850", 850), (850, 850), (3.0, 3), ("1.200", 1200), ("1,200", 1200), ("1 200", 1200), ("1\u00a0200", 1200),
    ("1'200", 1200), ("12.500.000", 12_500_000), ("500-999", 500), ("500 – 999", 500), ("500 bis 999", 500),
    ("1.000-4.999", 1000), ("1000+", 1000), ("ab 1.000", 1000), (">1000", 1000), ("über 500", 500),
])
def test_numbers_separators_bands_and_open_ends_are_read_as_the_lower_bound(written, read):
    assert count(written) == read


@pytest.mark.parametrize("written", ["1.5", "1.2000", "viele", "100-", "ca. 50 Mio", "12,5"])
def test_what_cannot_be_read_comes_back_as_the_text(written):
    assert count(written) == written


@pytest.mark.parametrize("written", [None, " ", True, False])
def test_nothing_or_a_checkbox_is_no_count(written):
    assert count(written) is None
