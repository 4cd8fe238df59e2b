"""What the stub services share: a real HTTP server on 127.0.0.1 (uvicorn in a thread) with one
path that takes JSON bodies by POST and lists what it kept by GET.

Like a real service it acts at most once per `Idempotency-Key`: the first body for a key is kept,
a repeat is answered as a duplicate. It records every request and can be told to misbehave
(`fail_next`, `hang_next`). A stub is a thin subclass that names its path, its success status and
word and the field that keeps the bodies in its class statement, and declares that field and
`requests` (see `CrmStub`).
"""

import argparse
import asyncio
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

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
class IdempotentStub:
    host: str = "127.0.0.1"
    port: int = 0

    # Set by the subclass's class statement: `class CrmStub(IdempotentStub, path="/leads", ...)`.
    path: ClassVar[str]  # e.g. "/leads"
    name: ClassVar[str]  # e.g. "CRM stub", for messages
    ok_status: ClassVar[int]  # the answer to a request that does not misbehave
    created: ClassVar[str]  # the word answered for a key seen first, else "duplicate"
    kept_field: ClassVar[str]  # the subclass's dict field of bodies by key; also GET's key

    if TYPE_CHECKING:  # declared by each subclass, after its `kept_field`, to keep field order
        requests: list[ReceivedRequest]

    def __init_subclass__(cls, *, path: str, name: str, ok_status: int, created: str,
                          kept_field: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.path, cls.name, cls.ok_status, cls.created, cls.kept_field = (
            path, name, ok_status, created, kept_field)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: deque[_Misbehaviour] = deque()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._released = threading.Event()  # set on stop, so hanging requests end

    # -- what tests use ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    def fail_next(self, n: int, status: int = 500, retry_after: float | None = None) -> None:
        with self._lock:
            self._plan.extend(_Misbehaviour(status, retry_after) for _ in range(n))

    def hang_next(self, n: int, seconds: float = 30.0, store_first: bool = True) -> None:
        """Answer nothing for `seconds`; `store_first` keeps the body (does the work) before
        hanging, as a service that processed the request but whose answer got lost would."""
        with self._lock:
            self._plan.extend(_Misbehaviour(None, None, seconds, store_first) for _ in range(n))

    # -- server -----------------------------------------------------------------------------------

    @property
    def _kept(self) -> dict[str, Any]:
        return getattr(self, self.kept_field)

    def _keep(self, key: str | None, body: Any) -> bool:
        """False when this key was kept before: the duplicate is dropped."""
        with self._lock:
            key = key or f"no-key-{len(self.requests)}"
            if key in self._kept:
                return False
            self._kept[key] = body
            return True

    def _is_new(self, key: str | None, kept: bool) -> bool:
        """Whether the answer says `created` rather than "duplicate"; `kept` is what `_keep` said."""
        return kept

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
                self._keep(key, body)
            await asyncio.to_thread(self._released.wait, plan.seconds)
            return JSONResponse({"status": "late"}, status_code=504)
        if plan is not None:
            self._record(key, body, plan.status)
            headers = {"Retry-After": f"{plan.retry_after:g}"} if plan.retry_after is not None else {}
            return JSONResponse({"error": "stub told to fail"}, status_code=plan.status, headers=headers)
        new = self._is_new(key, self._keep(key, body))
        self._record(key, body, self.ok_status)
        return JSONResponse({"status": self.created if new else "duplicate", "key": key},
                            status_code=self.ok_status)

    async def _list(self, _: Request) -> Response:
        with self._lock:
            return JSONResponse({self.kept_field: self._kept, "requests": len(self.requests)})

    def start(self) -> Self:
        app = Starlette(routes=[Route(self.path, self._receive, methods=["POST"]),
                                Route(self.path, self._list, methods=["GET"])])
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
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def run_alone(stub_class: type[IdempotentStub], description: str, default_port: int) -> None:
    """A stub's `main()`: serve on `--port` until interrupted."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args()
    stub = stub_class(port=args.port).start()
    print(f"{stub.name} listening on {stub.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stub.stop()
