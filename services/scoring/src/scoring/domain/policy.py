"""The scoring part of the agreement as data (config/agreement.yaml)."""

from lead_events.time_terms import TimeTerms
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


class RevenueBand(_Strict):
    min_eur: int = Field(ge=0)
    points: float


class Fit(_Strict):
    min_employees: int = Field(ge=0)
    min_annual_revenue_eur: int | None = Field(None, ge=0, description="Qualifies a smaller company by revenue.")
    employee_points: list[Band]
    revenue_points: list[RevenueBand] = []
    target_industries: PointsFor
    target_countries: PointsFor
    free_mail: FreeMail
    personas: list[Persona]
    grades: dict[str, float]


class OtherExclusion(_Strict):
    """Whatever else the agreement excludes, e.g. public authorities or resellers."""

    reason: str = Field(min_length=1)
    domains: list[str] = []
    title_markers: list[str] = []
    industries: list[str] = []


class Exclusions(_Strict):
    competitor_domains: list[str] = []
    consultant_domains: list[str] = []
    consultant_title_markers: list[str] = []
    student_title_markers: list[str] = []
    other: list[OtherExclusion] = []


class Cap(_Strict):
    """At most `points` per touchpoint type in each fixed period of `days` days (rules/caps.py)."""

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


class Bant(_Strict):
    """Progressive-profiling answers (budget, authority, need, timeline) and what they count."""

    properties: dict[str, str] = Field(description="BANT dimension -> form property carrying the answer")
    points: dict[str, float]
    negative_answers: list[str] = ["no", "nein", "none", "keine", "kein", "unknown", "unbekannt", "-", "n/a"]
    required_for_sales_ready: int = Field(0, ge=0, le=4, description="Answered dimensions needed for sales-ready.")


class Thresholds(_Strict):
    marketing_lead: float
    sales_ready: float


class FastLane(_Strict):
    touchpoints: list[str]
    form_property: str
    min_fit_grade: str = "C"


# Touchpoints that happened longer than `horizon_days` before they arrived (or that an import
# marked historical) are stored and scored, decayed, but send no one to sales by themselves; one
# dated more than `clock_skew_minutes` ahead is refused by ingest. Read by every service alike.
History = TimeTerms


class Recycle(_Strict):
    reset_engagement: bool = True


class ScoringPolicy(_Strict):
    version: str = Field(min_length=1)
    fit: Fit
    exclusions: Exclusions
    behaviour: Behaviour
    thresholds: Thresholds
    fast_lane: FastLane
    history: History = History()
    bant: Bant | None = None
    required_for_handoff: list[str] = []
    recycle: Recycle = Recycle()
