"""What handoff needs from a lead, read from scoring's agreement file (config/agreement.yaml):
`required_for_handoff` and the BANT answer properties. Only these keys are read."""

from pathlib import Path

from lead_runtime.config import load_model
from pydantic import BaseModel, ConfigDict, Field

FILE_NAME = "agreement.yaml"
DEFAULT_BANT = {"budget": "budget", "authority": "authority", "need": "need", "timeline": "timeline"}


class _BantTerms(BaseModel):
    model_config = ConfigDict(extra="ignore")
    properties: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_BANT))


class HandoffTerms(BaseModel):
    model_config = ConfigDict(extra="ignore")
    required_for_handoff: list[str] = Field(default_factory=lambda: ["email"])
    bant: _BantTerms = _BantTerms()


def load_handoff_terms(config_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required fields, BANT properties); the defaults when the file is not there."""
    path = config_dir / FILE_NAME
    terms = load_model(path, HandoffTerms) if path.exists() else HandoffTerms()
    return tuple(terms.required_for_handoff), tuple(terms.bant.properties.values())
