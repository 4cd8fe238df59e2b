import sys

from lead_runtime.cli import run_cli

from .bootstrap import make_app
from .settings import get_settings

if __name__ == "__main__":  # not when a worker process of `shadow --workers` imports it again
    if len(sys.argv) > 1 and sys.argv[1] in ("shadow", "switch"):
        from .agreement_cmd import main

        main(sys.argv[1:])
    else:
        run_cli("scoring", get_settings, make_app)
