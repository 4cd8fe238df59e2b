"""`python -m ingest serve` (and `migrate`, which has nothing to do: ingest has no database)."""

from lead_runtime.cli import run_cli

from .bootstrap import make_app
from .settings import get_settings

if __name__ == "__main__":
    run_cli("ingest", get_settings, make_app)
