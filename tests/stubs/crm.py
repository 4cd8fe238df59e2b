"""A stub CRM: a real HTTP server on 127.0.0.1 (uvicorn in a thread) that handoff pushes to.

Like a real CRM it creates at most one lead per `Idempotency-Key`, so a test can check
"exactly one lead arrived" however often handoff retried. It can be told to misbehave:

    with CrmStub() as crm:                  # or: crm = CrmStub().start(); ...; crm.stop()
        settings.crm.url = crm.url
        crm.fail_next(2, 500)               # the next 2 requests get a 500
        crm.fail_next(1, 429, retry_after=1)
        crm.hang_next(1, seconds=10)        # stores the lead, then answers too late
        ...
        assert len(crm.leads) == 1          # dict: Idempotency-Key -> first body received

Run alone for manual or e2e use: `python -m tests.stubs.crm --port 9100`.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from tests.stubs.server import IdempotentStub, ReceivedRequest, run_alone

__all__ = ["CrmStub", "ReceivedRequest", "main"]


@dataclass
class CrmStub(IdempotentStub, path="/leads", name="CRM stub", ok_status=200, created="created",
              kept_field="leads"):
    leads: dict[str, Any] = field(default_factory=dict)
    requests: list[ReceivedRequest] = field(default_factory=list)

    def wait_for_leads(self, n: int, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.leads) >= n:
                return dict(self.leads)
            time.sleep(0.05)
        raise AssertionError(f"CRM stub: expected {n} leads within {timeout} s, got {len(self.leads)}")

    def _is_new(self, key: str | None, kept: bool) -> bool:
        return kept or key is None  # a request without a key always answers "created"


def main() -> None:
    run_alone(CrmStub, "stub CRM for leadflow's handoff push", 9100)


if __name__ == "__main__":
    main()
