"""Nurture steps published on `nurture.steps`."""

from typing import ClassVar, Literal

from pydantic import Field

from .envelope import Envelope, Payload, Timestamp
from .lifecycle import Stage


class NurtureStepData(Payload):
    step_id: str = Field(description="Idempotency key for whoever delivers the step.")
    track: str
    content_id: str
    title: str
    format: str = Field(examples=["whitepaper", "webinar", "event_invitation"])
    channel: str = "email"
    url: str | None = None
    persona: str | None = None
    stage: Stage
    reason: str
    email: str | None = None
    due_at: Timestamp
    form_fields: list[str] = Field(
        default_factory=list,
        description="For a progressive-profiling form (format `form`): exactly the fields it asks for.",
        examples=[["company.name", "budget", "timeline"]],
    )


class NurtureStepTriggered(Envelope):
    EVENT_TYPE: ClassVar[str] = "nurture.step_triggered"
    event_type: Literal["nurture.step_triggered"] = "nurture.step_triggered"
    data: NurtureStepData
