"""The edge's text policy (`lead_events.text`) for every route of every service: path, query and
JSON body. A NUL or a lone surrogate is refused with a 422 naming where it was, before a route
hands it to PostgreSQL (which would answer an error the client cannot act on)."""

import json
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import JSONResponse
from lead_events.text import unsafe_fields

from .problems import errors_summary, is_json_type, problem_response


def _refused(errors: list[dict]) -> JSONResponse:
    return problem_response(422, "Invalid text", errors_summary(errors), errors=errors)


async def refusal_of(request: Request) -> JSONResponse | None:
    """A 422 when the path, the query or a JSON body holds unstorable text."""
    where = {"path": request.url.path, "query": dict(parse_qsl(request.url.query, keep_blank_values=True))}
    errors = unsafe_fields(where)
    if not errors and is_json_type(request.headers.get("content-type")):
        try:
            doc = json.loads(await request.body())
        except (ValueError, RecursionError):  # not JSON: the route's own validation says so
            doc = None
        errors = [{**e, "field": f"body.{e['field']}".rstrip(".")} for e in unsafe_fields(doc)]
    return _refused(errors) if errors else None
