from datetime import UTC, datetime
from decimal import Decimal

from reporting.domain.credits import ItemCredit, credit_changes


def test_a_leads_credit_taken_back_and_given_anew_cancels_exactly():
    def credit(item, touches, n, first, last, day=1):
        return ItemCredit("lead-a", "sales_ready", item, datetime(2026, 11, day, tzinfo=UTC), touches, n, first, last)

    before = [credit("wp-1", 1, 3, 1, 0), credit("wp-2", 2, 3, 0, 1)]
    assert credit_changes(before, before) == []
    assert before[0].linear + before[1].linear == Decimal(1)  # 1/3 and 2/3, each rounded half up to 12 decimals
    after = [credit("wp-1", 1, 4, 1, 0), credit("wp-2", 3, 4, 0, 1)]  # a late touch of wp-2
    rows = credit_changes(before, after)
    day = [r for r in rows if r[1] == "day"]
    assert {r[3]: r[4:] for r in day} == {"wp-1": (0, 0, Decimal("0.25") - Decimal("0.333333333333")),
                                          "wp-2": (0, 0, Decimal("0.75") - Decimal("0.666666666667"))}
