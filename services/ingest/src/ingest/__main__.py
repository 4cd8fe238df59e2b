"""`python -m ingest serve|migrate`, `rejected list|replay`, `import FILE --source NAME`."""

import sys

from lead_runtime.cli import run_cli

from .bootstrap import make_app
from .settings import get_settings

if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "rejected":
        from .rejected_cmd import main

        main(sys.argv[2:])
    elif command == "import":
        from .import_cmd import main as import_main

        import_main(sys.argv[2:])
    else:
        run_cli("ingest", get_settings, make_app)
