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


def install_problem_handlers(app: FastAPI) -> None:
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
