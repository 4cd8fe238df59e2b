import sys

from lead_runtime.cli import run_cli

from .bootstrap import make_app
from .settings import get_settings

if __name__ == "__main__":
    if sys.argv[1:2] == ["redrive"]:  # handoff's own command; serve|migrate come from the runtime
        from .redrive import main

        main(sys.argv[2:])
    else:
        run_cli("handoff", get_settings, make_app)
