"""The edge of every service, as plain ASGI: the body limit, the text policy (`lead_events.text`)
on path, query and JSON body, and the request counter. A NUL or a lone surrogate is refused with
a 422 naming where it was, before a route hands it to PostgreSQL (which would answer an error the
client cannot act on).

Plain ASGI rather than Starlette's BaseHTTPMiddleware: that one runs every request through an
extra task group and memory streams, which cost ingest a large share of its CPU per request."""

import json
from urllib.parse import parse_qsl

from lead_events.text import unsafe_fields
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .problems import errors_summary, is_json_type, problem_response


def refusal_for(path: str, query: str, body: object = None):
    """A 422 when the path, the query or a (parsed JSON) body holds unstorable text."""
    errors = unsafe_fields({"path": path, "query": dict(parse_qsl(query, keep_blank_values=True))})
    if not errors and body is not None:
        errors = [{**e, "field": f"body.{e['field']}".rstrip(".")} for e in unsafe_fields(body)]
    return problem_response(422, "Invalid text", errors_summary(errors), errors=errors) if errors else None


class Edge:
    """`own_body_limit`: path prefixes whose routes read the body themselves, refuse an oversized
    one and apply the text policy their own way (ingest keeps what it refuses)."""

    def __init__(self, app: ASGIApp, limit: int, own_body_limit: tuple[str, ...] = ()) -> None:
        self.app = app
        self.limit = limit
        self.own = own_body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not path.startswith(self.own):
            headers = Headers(scope=scope)
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.limit:
                await problem_response(413, "Body too large", f"The body exceeds {self.limit} bytes.")(scope, receive, send)
                return
            doc = None
            if is_json_type(headers.get("content-type")):
                body, receive = await _buffered(receive, self.limit)
                if body is None:
                    await problem_response(413, "Body too large", f"The body exceeds {self.limit} bytes.")(
                        scope, receive, send)
                    return
                try:
                    doc = json.loads(body) if body else None
                except (ValueError, RecursionError):  # not JSON: the route's own validation says so
                    doc = None
            if refused := refusal_for(path, scope.get("query_string", b"").decode("latin-1"), doc):
                await refused(scope, receive, send)
                return
        status = 500

        async def counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, counted)
        route = scope.get("route")
        metrics.HTTP_REQUESTS.labels(scope["method"], getattr(route, "path", "unmatched"), status).inc()


async def _buffered(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole body (None past `limit`), and a `receive` that hands it to the route again."""
    chunks, size, more = [], 0, True
    last: Message | None = None
    while more:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: the route hears it too
            last = message
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return last if last is not None else {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
