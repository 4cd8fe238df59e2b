
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lead_events import (
    EVENT_TYPES, Contact, Stage, StageChangeData, TouchpointData, TouchpointRecorded, UndecodableEvent,
    UnknownEventType, LeadStageChanged, decode, encode, lead_id_for, normalise_email,
)


def a_touchpoint_event() -> TouchpointRecorded:
    return TouchpointRecorded.new(
        lead_id=lead_id_for("anna@example.de"),
        data=TouchpointData(type="webinar_attended", source="w", contact=Contact(email="anna@example.de")),
    )


def test_round_trip_keeps_every_field():
    event = a_touchpoint_event()
    assert decode(encode(event)) == event


def test_consumers_ignore_fields_a_newer_producer_added():
    raw = encode(a_touchpoint_event()).replace(b'"data":{', b'"new_field":1,"data":{"also_new":2,')
    assert decode(raw).data.type == "webinar_attended"


def test_unknown_event_type_is_told_apart_from_garbage():
    with pytest.raises(UnknownEventType):
        decode(b'{"event_type": "lead.teleported"}')
    with pytest.raises(UndecodableEvent):
        decode(b"\xff\xfe")
    with pytest.raises(UndecodableEvent):
        decode(b'{"event_type": "lead.stage_changed", "data": {}}')


def test_caused_events_carry_correlation_and_causation():
    cause = a_touchpoint_event()
    change = LeadStageChanged.new(
        lead_id=cause.lead_id, cause=cause,
        data=StageChangeData(from_stage=None, to_stage=Stage.PROSPECT, reason="r", changed_by="scoring"),
    )
    assert change.correlation_id == cause.event_id and change.causation_id == cause.event_id


def test_every_event_type_is_registered_under_its_wire_name():
    assert all(cls.EVENT_TYPE == name and "." in name for name, cls in EVENT_TYPES.items())


@given(st.emails())
def test_lead_id_ignores_case_and_surrounding_space(email):
    assert lead_id_for(f"  {email.upper()} ") == lead_id_for(email.lower())
    assert normalise_email(f" {email} ") == email.strip().lower()


def test_lead_id_is_stable_across_releases():
    assert lead_id_for("anna.schmidt@example-industrie.de") == "0d10b180-f79c-5101-92d7-eab5891d660b"
