import ast
from pathlib import Path

import nurture.domain

FORBIDDEN = {"sqlalchemy", "aiokafka", "httpx", "fastapi", "starlette", "pydantic", "lead_runtime", "nurture.settings"}


def test_domain_imports_no_io_framework_or_settings():
    folder = Path(nurture.domain.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), f"{path.name}: {name}"
