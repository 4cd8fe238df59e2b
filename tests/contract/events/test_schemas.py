"""The JSON Schemas in docs/schemas are what integrators read: they must match the models."""

import json
from pathlib import Path

from lead_events.schemas import all_schemas, render

DOCS = Path(__file__).resolve().parents[3] / "docs" / "schemas"


def test_every_exported_schema_matches_the_models():
    stale = [name for name, schema in all_schemas().items() if not (DOCS / name).is_file() or (DOCS / name).read_text() != render(schema)]
    assert not stale, f"docs/schemas is out of date for {stale}: run `make schemas` and commit the result"


def test_no_schema_file_is_left_over_from_a_removed_model():
    assert {p.name for p in DOCS.glob("*.json")} == set(all_schemas())


def test_each_event_schema_documents_the_envelope():
    for name, schema in all_schemas().items():
        if name.endswith("request.json"):
            continue
        assert {"event_id", "event_type", "lead_id", "correlation_id", "data"} <= set(schema["properties"]), name
        assert json.loads(render(schema))["properties"]["event_id"]["description"]
