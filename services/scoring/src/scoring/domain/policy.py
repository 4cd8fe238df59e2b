"""The scoring part of the agreement as data (config/agreement.yaml)."""

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Band(_Strict):
    min: int = Field(ge=0)
    points: float


class PointsFor(_Strict):
    points: float
    values: list[str]


class FreeMail(_Strict):
    points: float
    domains: list[str]


class Persona(_Strict):
    name: str
    authority: str
    points: float
    title_markers: list[str] = Field(min_length=1)


class Fit(_Strict):
    min_employees: int = Field(ge=0)
    employee_points: list[Band]
    target_industries: PointsFor
    target_countries: PointsFor
    free_mail: FreeMail
    personas: list[Persona]
    grades: dict[str, float]


class Exclusions(_Strict):
    competitor_domains: list[str] = []
    consultant_domains: list[str] = []
    consultant_title_markers: list[str] = []
    student_title_markers: list[str] = []


class Cap(_Strict):
    points: float = Field(ge=0)
    days: float = Field(gt=0)


class Depth(_Strict):
    points_each: float
    max: float = Field(ge=0)


class Behaviour(_Strict):
    half_life_days: float = Field(gt=0)
    points: dict[str, float]
    caps: dict[str, Cap] = {}
    depth: dict[str, Depth] = {}
    strong_signals: list[str] = []


class Thresholds(_Strict):
    marketing_lead: float
    sales_ready: float


class FastLane(_Strict):
    touchpoints: list[str]
    form_property: str
    min_fit_grade: str = "C"


class Recycle(_Strict):
    reset_engagement: bool = True


class ScoringPolicy(_Strict):
    version: str = Field(min_length=1)
    fit: Fit
    exclusions: Exclusions
    behaviour: Behaviour
    thresholds: Thresholds
    fast_lane: FastLane
    required_for_handoff: list[str] = []
    recycle: Recycle = Recycle()
