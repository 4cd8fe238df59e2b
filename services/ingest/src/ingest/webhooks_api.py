"""`POST /v1/webhooks/{source}`: thin; limits first, then the use case in webhooks.py."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from lead_runtime.problems import problem_response
from pydantic import BaseModel, Field
from starlette.convertors import PathConvertor, register_url_convertor
from starlette.requests import ClientDisconnect

from .api import (
    RESPONSES, TOUCHPOINTS, PublisherDep, answer_response, overloaded, problem_doc, read_body, unavailable_response,
)
from .domain.limits import InFlight, TokenBucket, retry_after_seconds
from .domain.model import Refusal
from .domain.signature import SignedHeaders
from .handlers import PublishFailed, refuse
from .ports import Clock, Deliveries
from .settings import Settings
from .webhooks import Answered, WebhookSource, receive_webhook

log = logging.getLogger(__name__)


class AnyText(PathConvertor):
    """`path`, line breaks included: a source with an encoded one ("a%0Ab") still reaches the
    route and is kept as an unknown source (`.*` stops at a line break: the router's bare 404)."""

    regex = "(?s:.*)"


register_url_convertor("anytext", AnyText())


def get_deliveries(request: Request) -> Deliveries:
    return request.app.state.runtime.parts.state["deliveries"]


DeliveriesDep = Annotated[Deliveries, Depends(get_deliveries)]


class WebhookAnswer(BaseModel):
    accepted: int = Field(description="Touchpoints published from this delivery.")
    event_ids: list[str]
    lead_ids: list[str]
    ignored: list[dict] = Field(description="Items of the payload that are not touchpoints, with the reason.")
    duplicate: bool = Field(description="True: this webhook-id was published before; nothing published again.")


WEBHOOK_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {}}, "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
}}}
WEBHOOK_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    200: {"description": "Nothing (more) to publish: a duplicate delivery, or only ignored items.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookAnswer"}}}},
    202: {"description": "Published to Kafka (acknowledged by the broker).",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookAnswer"}}}},
    401: problem_doc("Unsigned, tampered, or outside the five-minute window (source with a secret). Kept."),
    404: problem_doc("No such source in config/sources.yaml. Kept in touchpoints.rejected."),
    422: problem_doc("The payload is not what the source's adapter reads, or the mapped touchpoints are invalid. Kept."),
    429: {**problem_doc("This source sends faster than its rate limit; retry after Retry-After seconds (nothing kept)."),
          "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}


def _too_many(source: str, wait: float) -> Response:
    TOUCHPOINTS.labels("rate_limited").inc()
    seconds = retry_after_seconds(wait)
    detail = f"Source {source!r} is over its rate limit. Send it again in {seconds} s; nothing was refused."
    response = problem_response(429, "Too many requests", detail)
    response.headers["Retry-After"] = str(seconds)
    return response


def make_webhook_router(
    settings: Settings, sources: dict[str, WebhookSource], unknown: TokenBucket, in_flight: InFlight, clock: Clock
) -> APIRouter:
    router = APIRouter(tags=["webhooks"])
    limit = settings.http.max_body_bytes

    @router.post(
        # :anytext so that an encoded slash or line break ("a%2Fb", "..%2f..", "a%0Ab") still reaches here
        "/v1/webhooks/{source:anytext}", openapi_extra=WEBHOOK_BODY, responses=WEBHOOK_RESPONSES,
        summary="A source's own payload (website form, Zoom webinar, download, SendGrid events)",
    )
    async def post_webhook(
        source: str, request: Request, publisher: PublisherDep, deliveries: DeliveriesDep
    ) -> Response:
        now = clock()
        found = sources.get(source)
        wait = (found.bucket if found else unknown).take(now.timestamp())
        if wait is not None:
            return _too_many(source[:100], wait)
        if not in_flight.try_enter():
            return overloaded(settings.retry_after_seconds)
        try:
            body = await read_body(request, limit)
            h = request.headers
            headers = SignedHeaders(h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature"))
            timeout = settings.publish_timeout_seconds
            if found is None:
                known = ", ".join(sorted(sources)) or "none"
                refusal = Refusal(404, "Unknown source", f"No webhook source {source[:100]!r}; configured: {known}.")
                refused = await refuse(publisher, refusal, body, doc=None, now=now, timeout=timeout, source=source)
                return answer_response(refused)
            outcome = await receive_webhook(
                publisher, deliveries, found, body, headers, max_bytes=limit, now=now, timeout=timeout,
                skew=settings.clock_skew,
            )
        except ClientDisconnect:
            return problem_response(400, "Body incomplete", "The client disconnected while sending the body.")
        except PublishFailed as exc:
            return unavailable_response(exc, settings.retry_after_seconds)
        finally:
            in_flight.leave()
        if isinstance(outcome, Answered):
            TOUCHPOINTS.labels("duplicate" if outcome.duplicate else "accepted").inc(outcome.answer["accepted"] or 0)
            return JSONResponse(outcome.answer, status_code=202 if outcome.events else 200)
        return answer_response(outcome)

    return router
