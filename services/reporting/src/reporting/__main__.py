from lead_runtime.cli import run_cli

from .bootstrap import make_app
from .settings import get_settings

run_cli("reporting", get_settings, make_app)
