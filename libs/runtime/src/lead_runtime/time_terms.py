"""The agreement's time sanity (config/agreement.yaml, `history`), read by every service that
judges a touchpoint's time: how far ahead of our clock it may lie (the clock skew; beyond, ingest
refuses it), and how old it may be when it arrives before it counts as historical."""

from functools import lru_cache
from pathlib import Path

from lead_events.time_terms import TimeTerms
from pydantic import BaseModel, ConfigDict

from .config import load_model

FILE_NAME = "agreement.yaml"


class _Agreement(BaseModel):
    model_config = ConfigDict(extra="ignore")
    history: TimeTerms = TimeTerms()


@lru_cache
def load_time_terms(config_dir: Path) -> TimeTerms:
    """The agreement's terms; the defaults when the file is not there (a service without one)."""
    path = config_dir / FILE_NAME
    return load_model(path, _Agreement).history if path.exists() else TimeTerms()
