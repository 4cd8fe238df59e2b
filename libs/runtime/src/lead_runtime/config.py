"""Agreement files: YAML validated by a pydantic model; errors name the file, line and field."""

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(Exception):
    """A service refuses to start on an invalid agreement file; the message says where."""


def _line_of(node: yaml.Node, loc: tuple) -> int:
    """Line (1-based) of the deepest YAML node along a pydantic error location."""
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def load_model(path: Path, model: type[M]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror}); set LEADFLOW_CONFIG_DIR") from exc
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if node is None:
        raise ConfigError(f"{path}: the file is empty")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{path} line {_line_of(node, tuple(e['loc']))}: {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        ]
        raise ConfigError("\n".join(problems)) from exc
