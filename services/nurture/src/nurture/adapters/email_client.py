"""HTTP push of a nurture step to the email system; the step id is the Idempotency-Key."""

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class PushResult:
    status_code: int | None
    error: str | None = None
    retry_after: float | None = None


class HttpEmailClient:
    def __init__(self, client: httpx.AsyncClient, url: str, timeout_seconds: float) -> None:
        self._client, self._url, self._timeout = client, url, timeout_seconds

    async def push(self, step_id: str, body: dict) -> PushResult:
        try:
            response = await self._client.post(
                self._url, json=body, headers={"Idempotency-Key": step_id}, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            return PushResult(None, f"{type(exc).__name__}: {exc}".strip())
        retry_after = response.headers.get("retry-after", "")
        return PushResult(
            response.status_code,
            None if response.is_success else response.text[:500],
            float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None,
        )
