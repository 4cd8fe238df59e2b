"""Exports JSON Schemas of the public models into the docs: `python -m lead_events.schemas DIR`."""

import json
import sys
from pathlib import Path

from .codec import EVENT_TYPES
from .touchpoints import TouchpointBatchIn, TouchpointIn


def all_schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for every event type and the ingest request bodies."""
    schemas = {f"{name}.json": cls.model_json_schema() for name, cls in EVENT_TYPES.items()}
    schemas["touchpoint.request.json"] = TouchpointIn.model_json_schema()
    schemas["touchpoint.batch-request.json"] = TouchpointBatchIn.model_json_schema()
    return schemas


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = directory / name
        path.write_text(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")
    for path in export(target):
        print(path)
