from lead_runtime.cli import run_cli

from .bootstrap import make_app
from .settings import get_settings

if __name__ == "__main__":
    run_cli("nurture", get_settings, make_app)
