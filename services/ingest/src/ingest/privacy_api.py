"""`POST /v1/privacy/erasure`: publishes the erasure of a person for every service to honour.

The email is used only to compute the lead id; it is not published, stored, logged or echoed.
A refused request is not kept on touchpoints.rejected, since that would keep the email.
"""

import logging
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from lead_events import ErasureData, PrivacyErasureRequested, lead_id_for, topics
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from .api import PublisherDep, problem_doc, unavailable_response
from .handlers import PublishFailed, publish
from .ports import Clock, Erasures
from .settings import Settings

log = logging.getLogger(__name__)


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=254, examples=["anna.schmidt@example-industrie.de"])
    requested_by: str | None = Field(None, max_length=200, description="Operator or system asking; no personal data.")


class ErasureAccepted(BaseModel):
    erasure_id: str = Field(description="Quote it; every service records the erasure under this id.")
    lead_id: str
    requested_at: datetime


def get_erasures(request: Request) -> Erasures:
    return request.app.state.runtime.parts.state["erasures"]


ErasuresDep = Annotated[Erasures, Depends(get_erasures)]
RESPONSES = {
    202: {"description": "Published to Kafka; every service erases the person.", "model": ErasureAccepted},
    422: problem_doc("Not an email address. Not kept anywhere."),
    503: problem_doc("Kafka did not acknowledge in time; send the same request again (a repeat is harmless)."),
}


def make_privacy_router(settings: Settings, clock: Clock) -> APIRouter:
    router = APIRouter(tags=["privacy"])

    @router.post("/v1/privacy/erasure", status_code=202, responses=RESPONSES,
                 summary="Erase (anonymise) a person in every service (GDPR Art. 17)")
    async def post_erasure(body: ErasureRequest, publisher: PublisherDep, erasures: ErasuresDep) -> Response:
        now = clock()
        event = PrivacyErasureRequested.new(
            lead_id=lead_id_for(body.email), occurred_at=now,
            data=ErasureData(erasure_id=str(uuid.uuid4()), requested_by=body.requested_by),
        )
        try:
            await publish(publisher, topics.PRIVACY_ERASURES, [event], settings.publish_timeout_seconds)
        except PublishFailed as exc:
            return unavailable_response(exc, settings.retry_after_seconds)
        try:
            await erasures.record(event.data.erasure_id, event.lead_id, now)
        except Exception:  # published: the services erase; the log line below is the record then
            log.warning("could not store the erasure record", exc_info=True)
        log.info("erasure requested", extra={"fields": {"erasure_id": event.data.erasure_id, "lead_id": event.lead_id}})
        answer = ErasureAccepted(erasure_id=event.data.erasure_id, lead_id=event.lead_id, requested_at=now)
        return JSONResponse(answer.model_dump(mode="json"), status_code=202)

    return router
