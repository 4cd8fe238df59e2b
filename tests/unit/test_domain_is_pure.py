"""House rule: a service's domain/ is pure: no I/O library, framework, runtime or settings."""

import ast
import importlib
from pathlib import Path

import pytest

SERVICES = ("ingest", "scoring", "nurture", "handoff", "reporting")
FORBIDDEN = ("sqlalchemy", "aiokafka", "httpx", "fastapi", "starlette", "asyncpg", "lead_runtime")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_domain_imports_no_io_framework_or_settings(service):
    folder = Path(importlib.import_module(f"{service}.domain").__file__).parent
    forbidden = FORBIDDEN + (f"{service}.settings",)
    offending = [
        f"{path.relative_to(folder)}: {name}"
        for path in folder.rglob("*.py")
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert not offending
