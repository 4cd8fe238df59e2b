"""The lead's consent record, by event time: the same statements give the same record, whatever
the arrival order.

- The latest statement wins (`stated_at`): an opt-in from two days ago arriving late does not
  beat a withdrawal from an hour ago. An unsubscribe or spam complaint is a withdrawal.
- At the same moment a withdrawal wins over an opt-in.
- A double opt-in counts only if it came after the last withdrawal (an unsubscribe voids the
  confirmation before it; a new opt-in must be confirmed anew).

Every part is a maximum over the statements seen (`withdrawn_at`, `confirmed_at`), so folding
them in any order, with duplicates, ends in the same record.
"""

from datetime import datetime

ConsentRecord = dict  # ConsentRecord's fields (lead_events) plus withdrawn_at and confirmed_at


def _at(record: ConsentRecord | None, key: str) -> datetime | None:
    value = (record or {}).get(key)
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _wins(record: ConsentRecord | None, occurred_at: datetime, withdrawal: bool) -> bool:
    """Is a statement at `occurred_at` the latest one (ties: a withdrawal wins)?"""
    last = _at(record, "stated_at")
    if last is None or occurred_at > last:
        return True
    return occurred_at == last and withdrawal


def consent_after(
    record: ConsentRecord | None,
    *,
    unsubscribed: bool,
    email_marketing: bool | None,
    double_opt_in_at: datetime | None,
    occurred_at: datetime,
    recorded_at: datetime,
    source: str,
) -> ConsentRecord | None:
    """`record` after one touchpoint (a touchpoint that states nothing leaves it as it is)."""
    withdrawal = unsubscribed or email_marketing is False
    states = unsubscribed or email_marketing is not None
    if not states and double_opt_in_at is None:
        return record
    base = dict(record or {})
    withdrawn_at = _later(_at(base, "withdrawn_at"), occurred_at if withdrawal else None)
    confirmed_at = _later(_at(base, "confirmed_at"), double_opt_in_at)
    if states and _wins(record, occurred_at, withdrawal):
        base.update(email_marketing=not withdrawal, source=source,
                    stated_at=occurred_at.isoformat(), recorded_at=recorded_at.isoformat())
    base.setdefault("email_marketing", None)  # a confirmation alone, before any statement: kept for it
    valid = confirmed_at is not None and (withdrawn_at is None or confirmed_at > withdrawn_at)
    base.update(
        withdrawn_at=_iso(withdrawn_at), confirmed_at=_iso(confirmed_at),
        double_opt_in_at=_iso(confirmed_at) if valid and base["email_marketing"] else None,
    )
    return base
