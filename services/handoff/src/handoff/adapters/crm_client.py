"""HTTP push of a handoff to the CRM; translates every outcome into a `PushResult`."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


@dataclass(frozen=True)
class PushResult:
    status_code: int | None  # None: no answer (timeout, connection refused, ...)
    error: str | None = None
    retry_after: float | None = None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds or an HTTP date (RFC 9110); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class HttpCrmClient:
    def __init__(
        self,
        client: httpx.AsyncClient,
        url: str,
        timeout_seconds: float = 5.0,
        method: str = "POST",
        token: str | None = None,
    ) -> None:
        self._client = client
        self._url = url
        self._timeout = timeout_seconds
        self._method = method
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}

    async def push(self, handoff_id: str, body: dict[str, Any]) -> PushResult:
        try:
            # wait_for caps the whole exchange; httpx's timeout applies per phase.
            response = await asyncio.wait_for(
                self._client.request(
                    self._method,
                    self._url.replace("{handoff_id}", handoff_id),
                    json=body,
                    headers={"Idempotency-Key": handoff_id, **self._auth},
                    timeout=self._timeout,
                ),
                self._timeout + 1,
            )
        except (httpx.TimeoutException, TimeoutError):
            return PushResult(None, f"no answer within {self._timeout:g} s")
        except httpx.HTTPError as exc:
            return PushResult(None, f"{type(exc).__name__}: {exc}"[:500])
        error = None if response.is_success else f"HTTP {response.status_code}: {response.text[:300]}"
        return PushResult(response.status_code, error, parse_retry_after(response.headers.get("retry-after")))
