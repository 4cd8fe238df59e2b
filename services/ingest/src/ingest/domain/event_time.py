"""Time sanity at the edge: a touchpoint dated after now (beyond the senders' clock skew) has not
happened. Counting it undecayed would hand a lead to sales on events still to come, so it is
refused, naming the field, and kept like every refusal."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from lead_events import TouchpointIn

from .model import Refusal

DEFAULT_SKEW = timedelta(minutes=5)
MAX_NAMED = 20


def ahead_of_time(touchpoints: Sequence[TouchpointIn], now: datetime, skew: timedelta = DEFAULT_SKEW) -> Refusal | None:
    latest = now + skew
    batch = len(touchpoints) > 1
    late = [(i, tp) for i, tp in enumerate(touchpoints) if tp.occurred_at > latest]
    if not late:
        return None
    errors = [
        {"field": f"touchpoints.{i}.occurred_at" if batch else "occurred_at",
         "message": f"{tp.occurred_at.isoformat()} is in the future (now {now.isoformat(timespec='seconds')},"
                    f" clock skew allowed {int(skew.total_seconds())} s); send the time it happened"}
        for i, tp in late[:MAX_NAMED]
    ]
    where = f" (touchpoints at index {', '.join(str(i) for i, _ in late[:MAX_NAMED])})" if batch else ""
    reason = (f"occurred_at is in the future{where}: a touchpoint is sent after it happened."
              + (" A batch is all-or-nothing: nothing from it was accepted; fix it and send it again." if batch else ""))
    return Refusal(422, "Invalid touchpoint", reason, errors)
