"""A stub email service: a real HTTP server on 127.0.0.1 (uvicorn in a thread) that nurture
pushes its steps to (NURTURE_EMAIL__URL).

Like a real ESP it sends at most one email per `Idempotency-Key`, so a test can check "exactly
one email went out" however often nurture retried. It can be told to misbehave:

    with EmailStub() as esp:
        settings.email.url = esp.url
        esp.fail_next(1, 500)                # the next request gets a 500
        esp.fail_next(1, 429, retry_after=1)
        esp.hang_next(1, seconds=10)         # sends the email, then answers too late
        ...
        assert len(esp.sent) == 1            # dict: Idempotency-Key -> first body received

Run alone for manual or e2e use: `python -m tests.stubs.email --port 9200`.
"""

from dataclasses import dataclass, field
from typing import Any

from tests.stubs.server import IdempotentStub, ReceivedRequest, run_alone

__all__ = ["EmailStub", "ReceivedRequest", "main"]


@dataclass
class EmailStub(IdempotentStub, path="/messages", name="email stub", ok_status=202, created="queued",
                kept_field="sent"):
    sent: dict[str, Any] = field(default_factory=dict)  # the emails that went out, by key
    requests: list[ReceivedRequest] = field(default_factory=list)

    def requests_for(self, key: str) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if r.key == key]


def main() -> None:
    run_alone(EmailStub, "stub email service for leadflow's nurture push", 9200)


if __name__ == "__main__":
    main()
