"""application/problem+json for every error a client can see."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from lead_events.text import cleaned, printable
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def problem_response(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    # cleaned: a problem may quote what the client sent, and that may hold text JSON can't encode
    body = cleaned({"type": "about:blank", "title": title, "status": status, "detail": detail, **extra})
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def is_json_type(content_type: str | None) -> bool:
    """application/json or any application/*+json."""
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def errors_summary(errors: list[dict], shown: int = 3) -> str:
    """The first field errors in one line a person can read ("field: message; ...; and 4 more")."""
    first = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:shown])
    return first + (f"; and {len(errors) - shown} more" if len(errors) > shown else "")


def validation_errors(errors: list[dict]) -> list[dict]:
    """Pydantic errors as field paths and messages a person can act on."""
    return [
        {"field": printable(".".join(str(p) for p in e.get("loc", ()) if p != "body")),
         "message": printable(e.get("msg", ""))}
        for e in errors
    ]


PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details; `errors` lists the fields a 422 refused.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Invalid request"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


def _problems_in_schema(app: FastAPI) -> None:
    """The published schema says what the service answers: FastAPI documents its validation
    errors as application/json; ours are problem+json, with this shape."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if status.startswith("4") and "application/json" in response.get("content", {}):
                        response["content"] = {PROBLEM: {"schema": ref}}
        schemas = schema["components"]["schemas"]
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def install_problem_handlers(app: FastAPI) -> None:
    _problems_in_schema(app)
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.title, exc.detail, **exc.extra)

    # Starlette's own (no route: 404, wrong method: 405) as well as FastAPI's subclass
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404 and exc.detail == "Not Found":
            detail = f"No resource at {request.url.path}; see /docs for this service's endpoints."
            return problem_response(404, "Not found", detail)
        response = problem_response(exc.status_code, "Request failed", str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc.errors())
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return problem_response(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem_response(500, "Internal error", "An unexpected error; it has been logged.")
