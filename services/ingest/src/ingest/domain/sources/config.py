"""`config/sources.yaml`: which webhook sources exist and how each maps; never secrets (those are settings)."""

from typing import Annotated, Literal

from lead_events import TouchpointType
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SourceName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
ContactPath = Literal[
    "email", "anonymous_id", "first_name", "last_name", "job_title", "phone",
    "company.name", "company.domain", "company.employees", "company.annual_revenue_eur",
    "company.industry", "company.country",
]
YES = ["yes", "ja", "true", "1", "on", "x", "checked"]
NO = ["no", "nein", "false", "0", "off", ""]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RateLimit(_Strict):
    per_second: float = Field(gt=0, description="Sustained requests per second from this source.")
    burst: int = Field(ge=1, description="Requests it may send at once after a quiet spell.")


class FormOptions(_Strict):
    """Website form: which form field holds what. Field names are the form's own (e.g. `E-Mail`)."""

    touchpoint_type: TouchpointType = TouchpointType.FORM_SUBMITTED
    form_id_field: str | None = "form_id"
    types_by_form: dict[str, TouchpointType] = Field(default_factory=dict)  # e.g. {demo: demo_requested}
    submission_id_field: str | None = "submission_id"
    submitted_at_field: str | None = "submitted_at"
    visitor_id_field: str | None = "visitor_id"
    contact: dict[ContactPath, str]
    properties: dict[str, str] = Field(default_factory=dict)  # touchpoint property -> form field (BANT...)
    may_contact_sales_field: str | None = None
    consent_field: str | None = None
    yes_values: list[str] = Field(default_factory=lambda: list(YES))
    no_values: list[str] = Field(default_factory=lambda: list(NO))

    @model_validator(mode="after")
    def _needs_identity(self) -> "FormOptions":
        if "email" not in self.contact and self.visitor_id_field is None:
            raise ValueError("contact needs an `email` field (or set visitor_id_field)")
        return self


class ContentOptions(_Strict):
    """Content downloads: the asset's category decides the touchpoint type."""

    types_by_category: dict[str, TouchpointType] = Field(default_factory=dict)
    default_type: TouchpointType = TouchpointType.WHITEPAPER_DOWNLOADED


class SourceSpec(_Strict):
    adapter: Literal["website_form", "zoom_webinar", "content_download", "sendgrid_events"]
    description: str = ""
    require_signature: bool = Field(
        False, description="Refuse to start unless a secret is configured (INGEST_WEBHOOK_SECRETS__<SOURCE>)."
    )
    rate_limit: RateLimit | None = None  # else the file's default
    form: FormOptions | None = None
    content: ContentOptions = Field(default_factory=ContentOptions)

    @model_validator(mode="after")
    def _form_needs_fields(self) -> "SourceSpec":
        if self.adapter == "website_form" and self.form is None:
            raise ValueError("a website_form source needs `form:` with at least `contact: {email: <field>}`")
        return self


class SourcesConfig(_Strict):
    version: int | str
    rate_limit: RateLimit = RateLimit(per_second=20, burst=100)
    sources: dict[SourceName, SourceSpec]

    def limit_of(self, name: str) -> RateLimit:
        return self.sources[name].rate_limit or self.rate_limit
