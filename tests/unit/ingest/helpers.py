"""Small builders for ingest's unit tests."""

from typing import Any

from lead_events import TouchpointIn


def a_touchpoint_doc(**overrides: Any) -> dict:
    doc = {
        "type": "webinar_attended",
        "occurred_at": "2026-11-22T10:15:00Z",
        "source": "webinar-platform",
        "contact": {"email": "anna.schmidt@example-industrie.de", "first_name": "Anna"},
        "properties": {"webinar_id": "w-2026-11", "questions_asked": 2},
    }
    doc.update(overrides)
    return doc


def a_touchpoint(**overrides: Any) -> TouchpointIn:
    return TouchpointIn.model_validate(a_touchpoint_doc(**overrides))
