"""config/handoff.yaml: the handoff part of the marketing-sales agreement, validated at start-up."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Literal

from lead_runtime.config import load_model
from lead_runtime.time_terms import load_time_terms
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .domain.feedback import normalise_reason
from .domain.policy import HandoffPolicy

FILE_NAME = "handoff.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlaTerms(_Strict):
    first_contact_minutes: int = Field(gt=0)
    hard_limit_hours: int = Field(gt=0)
    reassign_on: list[Literal["first_contact", "hard_limit"]] = Field(
        [], description="Deadlines whose breach moves the lead to the next rep of the routing rules."
    )


class FeedbackTerms(_Strict):
    disqualifying_reasons: list[str] = Field(min_length=1)

    @field_validator("disqualifying_reasons")
    @classmethod
    def _normalised(cls, reasons: list[str]) -> list[str]:
        return [normalise_reason(r) or "" for r in reasons]


class DeliveryTerms(_Strict):
    max_attempts: int = Field(8, ge=1, description="Retry budget of the CRM push.")


class HandoffAgreement(_Strict):
    version: str = Field(min_length=1)
    sla: SlaTerms
    feedback: FeedbackTerms
    delivery: DeliveryTerms = DeliveryTerms()

    def to_policy(self, max_attempts: int | None = None) -> HandoffPolicy:
        """`max_attempts` from the settings overrides the agreed retry budget."""
        return HandoffPolicy(
            version=self.version,
            first_contact_within=timedelta(minutes=self.sla.first_contact_minutes),
            hard_limit=timedelta(hours=self.sla.hard_limit_hours),
            disqualifying_reasons=frozenset(self.feedback.disqualifying_reasons),
            max_attempts=max_attempts or self.delivery.max_attempts,
            reassign_on=frozenset(self.sla.reassign_on),
        )


def load_policy(config_dir: Path, max_attempts: int | None = None) -> HandoffPolicy:
    """handoff.yaml's terms, with the clock skew of the agreement's time sanity (agreement.yaml)."""
    policy = load_model(config_dir / FILE_NAME, HandoffAgreement).to_policy(max_attempts)
    return replace(policy, clock_skew=load_time_terms(config_dir).clock_skew)
