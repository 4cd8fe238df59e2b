"""Attribution credit kept per lead as it happens (`attribution_credits`, one row per lead, stage
reached and content item) and summed per stage, day and item (`attribution_tallies`), so a
report over a year adds up rows per day instead of reading the touches of every lead that
reached the stage. The definitions are those of attribution.py: of a lead's touches up to the
moment it first reached the stage, the first gets 1 (first touch), the last 1 (last touch), each
1/n (linear). A lead's credit is recomputed when it reaches the stage (or reaches it earlier, by
a late event) and when a touch at or before that moment arrives late; the tallies get the
difference."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

ATTRIBUTED = ("sales_ready", "won")  # the stages the attribution report is asked for
SCALE = 10**12  # linear credit kept exact to 12 decimals: adding and taking back a lead's share cancels


@dataclass(frozen=True)
class ItemCredit:
    """A lead's touches of one item up to the moment it reached `stage`, of `n` touches in all."""

    lead_id: str
    stage: str
    item: str
    reached_at: datetime
    touches: int
    n: int
    first: int  # 1 when the lead's first touch was of this item
    last: int

    @property
    def linear(self) -> Decimal:
        """touches / n, rounded half up to 12 decimals (the migration rounds it the same way)."""
        return Decimal((2 * self.touches * SCALE + self.n) // (2 * self.n)).scaleb(-12)


def credit_shares(credits: list[ItemCredit]) -> dict[tuple, tuple[int, int, Decimal]]:
    """(stage, day, item) -> (first touch, last touch, linear) of these credits."""
    out: dict[tuple, tuple[int, int, Decimal]] = {}
    for c in credits:
        key = (c.stage, c.reached_at.astimezone(UTC).date(), c.item)
        first, last, linear = out.get(key, (0, 0, Decimal(0)))
        out[key] = (first + c.first, last + c.last, linear + c.linear)
    return out


def credit_changes(before: list[ItemCredit], after: list[ItemCredit]) -> list[tuple]:
    """Rows to add to `attribution_tallies` (stage, span, starts, item, first, last, linear),
    sorted so concurrent writers lock them in the same order."""
    net: dict[tuple, list] = {}
    for sign, credits in ((-1, before), (1, after)):
        for (stage, day, item), values in credit_shares(credits).items():
            for span, starts in (("day", day), ("month", day.replace(day=1))):
                row = net.setdefault((stage, span, starts, item), [0, 0, Decimal(0)])
                for i, v in enumerate(values):
                    row[i] += sign * v
    return sorted((*key, *values) for key, values in net.items() if any(values))

