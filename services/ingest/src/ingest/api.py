"""`POST /v1/touchpoints`: thin; the body is read here, everything else happens in handlers."""

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from lead_events import TouchpointBatchIn, TouchpointIn
from lead_runtime.logs import fields, log_context
from lead_runtime.problems import PROBLEM, problem_response
from prometheus_client import Counter
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.requests import ClientDisconnect

from .domain.limits import InFlight
from .domain.model import ReceivedBody
from .domain.rejection import KEPT_BODY_BYTES
from .handlers import Accepted, PublishFailed, Refused, record_touchpoints
from .ports import EventPublisher
from .settings import Settings

log = logging.getLogger(__name__)

TOUCHPOINTS = Counter("ingest_touchpoints_total", "Touchpoints accepted, and bodies refused by status.", ["outcome"])
DRAIN_FACTOR = 64  # beyond limit x this, stop counting an oversized body (it is refused anyway)


def get_publisher(request: Request) -> EventPublisher:
    return request.app.state.runtime.parts.state["publisher"]  # SparingErased around the Kafka publisher


PublisherDep = Annotated[EventPublisher, Depends(get_publisher)]


class TouchpointsAccepted(BaseModel):
    accepted: int = Field(description="How many touchpoints were published.")
    event_ids: list[str] = Field(description="Their event ids, in the order sent (same sender id, same event id).")
    lead_ids: list[str] = Field(description="The lead id of each, in the order sent.")


class FieldError(BaseModel):
    field: str = Field(description="Path of the field, e.g. `touchpoints.3.contact.email`.")
    message: str


class ProblemDocument(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    rejection_id: str | None = Field(None, description="Id of the touchpoint.rejected event; quote it.")
    errors: list[FieldError] | None = None


async def read_body(request: Request, max_bytes: int) -> ReceivedBody:
    """Streams the body, keeping it whole up to `max_bytes` and only its first 64 KiB beyond."""
    kept, size, complete = bytearray(), 0, True
    async for chunk in request.stream():
        size += len(chunk)
        kept += chunk
        if size > max_bytes:
            del kept[KEPT_BODY_BYTES:]
            if size > max_bytes * DRAIN_FACTOR:
                complete = False
                break
    headers = request.headers
    return ReceivedBody(
        bytes(kept), size, complete, headers.get("content-type"), headers.get("content-encoding")
    )


def _ref(name: str, media: str = "application/json") -> dict:
    return {"content": {media: {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def problem_doc(description: str) -> dict:
    return {"description": description, **_ref("ProblemDocument", PROBLEM)}


REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/TouchpointIn"},
                        {"$ref": "#/components/schemas/TouchpointBatchIn"},
                    ]
                }
            }
        },
    }
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Published to Kafka (acknowledged by the broker).", **_ref("TouchpointsAccepted")},
    400: problem_doc("Not JSON, or not UTF-8. Kept in touchpoints.rejected."),
    413: problem_doc("Body (or one touchpoint) too large. The first 64 KiB are kept in touchpoints.rejected."),
    415: problem_doc("Not application/json, or compressed. Kept in touchpoints.rejected."),
    422: problem_doc(
        "Valid JSON, invalid touchpoint(s); `errors` names each field (with the index in a batch). "
        "A batch is all-or-nothing: nothing from it was published. Kept in touchpoints.rejected."
    ),
    503: {
        **problem_doc(
            "Kafka did not acknowledge in time, or ingest is at its limit of requests in flight;"
            " retry after Retry-After seconds (nothing was refused)."
        ),
        "headers": {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}},
    },
}


def unavailable_response(exc: PublishFailed, retry_after: int) -> Response:
    TOUCHPOINTS.labels("unavailable").inc()
    log.warning("kafka unavailable", extra=fields(error=str(exc)))
    detail = f"Kafka did not acknowledge in time. Send the same request again in {retry_after} s; resending is safe."
    response = problem_response(503, "Temporarily unavailable", detail)
    response.headers["Retry-After"] = str(retry_after)
    return response


def overloaded(retry_after: int) -> Response:
    TOUCHPOINTS.labels("overloaded").inc()
    detail = f"Ingest is at its limit of requests in flight. Send the same request again in {retry_after} s."
    response = problem_response(503, "Overloaded", detail)
    response.headers["Retry-After"] = str(retry_after)
    return response


def answer_response(outcome: Accepted | Refused) -> Response:
    if isinstance(outcome, Accepted):
        TOUCHPOINTS.labels("accepted").inc(len(outcome.events))
        for event in outcome.events:  # the first line of each touchpoint's trail through the services
            with log_context(event.event_id, event.correlation_id):
                log.info("accepted", extra=fields(lead_id=event.lead_id, type=event.data.type, source=event.data.source))
        doc = TouchpointsAccepted(
            accepted=len(outcome.events),
            event_ids=[e.event_id for e in outcome.events],
            lead_ids=[e.lead_id for e in outcome.events],
        )
        return JSONResponse(doc.model_dump(), status_code=202)
    refusal = outcome.refusal
    TOUCHPOINTS.labels(f"refused_{refusal.status}").inc()
    log.info("refused", extra=fields(rejection_id=outcome.rejection_id, status=refusal.status))
    extra: dict[str, Any] = {"rejection_id": outcome.rejection_id}
    if refusal.errors:
        extra["errors"] = refusal.errors
    return problem_response(refusal.status, refusal.title, refusal.reason, **extra)


def make_router(settings: Settings, in_flight: InFlight) -> APIRouter:
    router = APIRouter(tags=["touchpoints"])
    limit = settings.http.max_body_bytes

    @router.post(
        "/v1/touchpoints", status_code=202, openapi_extra=REQUEST_BODY, responses=RESPONSES,
        summary="Record one touchpoint, or a batch of 1 to 500",
    )
    async def post_touchpoints(request: Request, publisher: PublisherDep) -> Response:
        if not in_flight.try_enter():
            return overloaded(settings.retry_after_seconds)
        try:
            body = await read_body(request, limit)
            outcome = await record_touchpoints(
                publisher, body, max_bytes=limit, now=datetime.now(UTC), timeout=settings.publish_timeout_seconds,
                skew=settings.clock_skew,
            )
        except ClientDisconnect:  # the sender is gone and will retry; there is no one to answer
            return problem_response(400, "Body incomplete", "The client disconnected while sending the body.")
        except PublishFailed as exc:
            return unavailable_response(exc, settings.retry_after_seconds)
        finally:
            in_flight.leave()
        return answer_response(outcome)

    return router


def install_openapi(app: FastAPI, extra_models: list[type[BaseModel]] = ()) -> None:
    """Adds the touchpoint and answer schemas that REQUEST_BODY and RESPONSES refer to."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            models = [TouchpointIn, TouchpointBatchIn, TouchpointsAccepted, ProblemDocument, *extra_models]
            _, defs = models_json_schema(
                [(m, "validation") for m in models], ref_template="#/components/schemas/{model}"
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
