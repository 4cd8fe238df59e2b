"""The agreement's terms of time (config/agreement.yaml, `history`): the same for every service
that judges a touchpoint's time. Loaded by `lead_runtime.time_terms`."""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field


class TimeTerms(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    horizon_days: float = Field(90, gt=0)
    clock_skew_minutes: float = Field(5, ge=0, le=24 * 60)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def clock_skew(self) -> timedelta:
        return timedelta(minutes=self.clock_skew_minutes)
