from ingest.domain.dedupe import canonical_json, event_id_for

from .helpers import a_touchpoint


def test_same_sender_id_gives_the_same_event_id_whatever_else_changed():
    first = a_touchpoint(event_id="abc-1")
    retry = a_touchpoint(event_id="abc-1", properties={"questions_asked": 3})
    assert event_id_for(first) == event_id_for(retry)


def test_same_sender_id_from_another_source_gives_another_event_id():
    assert event_id_for(a_touchpoint(event_id="abc-1")) != event_id_for(
        a_touchpoint(event_id="abc-1", source="website")
    )


def test_different_sender_ids_give_different_event_ids():
    assert event_id_for(a_touchpoint(event_id="abc-1")) != event_id_for(a_touchpoint(event_id="abc-2"))


def test_without_sender_id_an_identical_body_gives_the_same_event_id():
    assert event_id_for(a_touchpoint()) == event_id_for(a_touchpoint())


def test_without_sender_id_a_different_body_gives_a_different_event_id():
    assert event_id_for(a_touchpoint()) != event_id_for(a_touchpoint(properties={"questions_asked": 3}))


def test_without_sender_id_the_same_touchpoint_written_differently_gives_the_same_event_id():
    tidy = a_touchpoint()
    messy = a_touchpoint(
        occurred_at="2026-11-22T11:15:00+01:00",
        contact={"first_name": "Anna", "email": "  Anna.Schmidt@Example-Industrie.DE "},
        properties={"questions_asked": 2, "webinar_id": "w-2026-11"},
    )
    assert canonical_json(tidy) == canonical_json(messy)
    assert event_id_for(tidy) == event_id_for(messy)


def test_a_sender_id_and_content_ids_never_collide():
    assert event_id_for(a_touchpoint(event_id="x")) != event_id_for(a_touchpoint())
