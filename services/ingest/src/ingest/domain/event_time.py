"""Time sanity at the edge: a touchpoint dated after now (beyond the senders' clock skew) has not
happened. Counting it undecayed would hand a lead to sales on events still to come, so it is
refused, naming the field, and kept like every refusal."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from lead_events import CLOCK_SKEW, TouchpointIn, is_ahead

from .model import BATCH_NOTE, Refusal

MAX_NAMED = 20


def ahead_of_time(touchpoints: Sequence[TouchpointIn], now: datetime, skew: timedelta = CLOCK_SKEW) -> Refusal | None:
    batch = len(touchpoints) > 1
    late = [(i, tp) for i, tp in enumerate(touchpoints) if is_ahead(tp.occurred_at, now, skew)]
    if not late:
        return None
    errors = [
        {"field": f"touchpoints.{i}.occurred_at" if batch else "occurred_at",
         "message": f"{tp.occurred_at.isoformat()} is in the future (now {now.isoformat(timespec='seconds')},"
                    f" clock skew allowed {int(skew.total_seconds())} s); send the time it happened"}
        for i, tp in late[:MAX_NAMED]
    ]
    where = f" (touchpoints at index {', '.join(str(i) for i, _ in late[:MAX_NAMED])})" if batch else ""
    reason = f"occurred_at is in the future{where}: a touchpoint is sent after it happened." + (BATCH_NOTE if batch else "")
    return Refusal(422, "Invalid touchpoint", reason, errors)
