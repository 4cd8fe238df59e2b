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

import argparse
import asyncio
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class _Misbehaviour:
    status: int | None = None  # None: hang
    retry_after: float | None = None
    seconds: float = 0.0
    store_first: bool = True


@dataclass
class ReceivedRequest:
    at: float
    key: str | None
    body: Any
    status: int | None  # what the stub answered; None when it hung


@dataclass
class EmailStub:
    host: str = "127.0.0.1"
    port: int = 0
    sent: dict[str, Any] = field(default_factory=dict)  # the emails that went out, by key
    requests: list[ReceivedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: deque[_Misbehaviour] = deque()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._released = threading.Event()  # set on stop, so hanging requests end

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/messages"

    def fail_next(self, n: int, status: int = 500, retry_after: float | None = None) -> None:
        with self._lock:
            self._plan.extend(_Misbehaviour(status, retry_after) for _ in range(n))

    def hang_next(self, n: int, seconds: float = 30.0, store_first: bool = True) -> None:
        """Answer nothing for `seconds`; `store_first` sends the email before hanging, as an ESP
        that did the work but whose answer got lost would."""
        with self._lock:
            self._plan.extend(_Misbehaviour(None, None, seconds, store_first) for _ in range(n))

    def requests_for(self, key: str) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if r.key == key]

    # -- server -----------------------------------------------------------------------------------

    def _send(self, key: str | None, body: Any) -> bool:
        """False when this key was sent before: the duplicate is dropped."""
        with self._lock:
            key = key or f"no-key-{len(self.requests)}"
            if key in self.sent:
                return False
            self.sent[key] = body
            return True

    def _record(self, key: str | None, body: Any, status: int | None) -> None:
        with self._lock:
            self.requests.append(ReceivedRequest(time.time(), key, body, status))

    async def _receive(self, request: Request) -> Response:
        key = request.headers.get("idempotency-key")
        try:
            body = await request.json()
        except ValueError:
            self._record(key, None, 400)
            return JSONResponse({"error": "body is not JSON"}, status_code=400)
        with self._lock:
            plan = self._plan.popleft() if self._plan else None
        if plan is not None and plan.status is None:
            self._record(key, body, None)
            if plan.store_first:
                self._send(key, body)
            await asyncio.to_thread(self._released.wait, plan.seconds)
            return JSONResponse({"status": "late"}, status_code=504)
        if plan is not None:
            self._record(key, body, plan.status)
            headers = {"Retry-After": f"{plan.retry_after:g}"} if plan.retry_after is not None else {}
            return JSONResponse({"error": "stub told to fail"}, status_code=plan.status, headers=headers)
        created = self._send(key, body)
        self._record(key, body, 202)
        return JSONResponse({"status": "queued" if created else "duplicate", "key": key}, status_code=202)

    async def _list(self, _: Request) -> Response:
        with self._lock:
            return JSONResponse({"sent": self.sent, "requests": len(self.requests)})

    def start(self) -> "EmailStub":
        app = Starlette(routes=[Route("/messages", self._receive, methods=["POST"]),
                                Route("/messages", self._list, methods=["GET"])])
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("email stub did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "EmailStub":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="stub email service for leadflow's nurture push")
    parser.add_argument("--port", type=int, default=9200)
    args = parser.parse_args()
    stub = EmailStub(port=args.port).start()
    print(f"email stub listening on {stub.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stub.stop()


if __name__ == "__main__":
    main()
