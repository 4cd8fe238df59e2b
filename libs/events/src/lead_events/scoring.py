"""Score updates published on `lead.scores`."""

from typing import ClassVar, Literal

from pydantic import Field

from .envelope import Envelope, Payload
from .lifecycle import Evidence, Stage


class ScoreData(Payload):
    fit_score: float
    fit_grade: str = Field(description="A (best) to D.")
    engagement_score: float = Field(description="Behaviour points, decayed to `occurred_at`.")
    total_score: float
    stage: Stage
    persona: str | None = None
    agreement_version: str
    explanation: list[Evidence] = Field(
        default_factory=list,
        description="The fit and BANT lines, the ten strongest behaviour lines (decayed to the moment of scoring) and"
        " this touchpoint's own: bounded, however long the lead's history. Every ledger line: GET /v1/leads/{lead_id}.",
    )
    touchpoint_id: str | None = Field(None, description="The touchpoint that caused this update.")


class LeadScored(Envelope):
    EVENT_TYPE: ClassVar[str] = "lead.scored"
    event_type: Literal["lead.scored"] = "lead.scored"
    data: ScoreData
