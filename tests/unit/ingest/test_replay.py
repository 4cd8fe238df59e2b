import json
from datetime import UTC, datetime, timedelta

from lead_events import RejectionData, TouchpointRejected
from lead_runtime.settings import KafkaSettings

from ingest.bootstrap import load_sources
from ingest.domain.replay import is_selected, why_not_replayable
from ingest.rejected_cmd import parse_since
from ingest.replay import replay
from ingest.settings import Settings

from .examples import FORM
from .fakes import FakePublisher
from .helpers import a_touchpoint_doc

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SOURCES = load_sources(Settings(kafka=KafkaSettings(bootstrap_servers="unused:9092")))


def a_rejection(body: object, source: str | None = "website-form", **data: object) -> TouchpointRejected:
    raw = body if isinstance(body, str) else json.dumps(body)
    fields = {"source": source, "reason": "x", "raw_body": raw, "content_type": "application/json",
              "received_at": NOW - timedelta(hours=1)} | data
    return TouchpointRejected(event_id="r-1", lead_id="r-1", occurred_at=NOW, recorded_at=NOW, correlation_id="r-1",
                              data=RejectionData(**fields))


async def test_a_webhook_rejection_is_mapped_again_and_published():
    publisher = FakePublisher()
    done = await replay(a_rejection(FORM), SOURCES, publisher, now=NOW, timeout=1)
    assert done.outcome == "accepted"
    [event] = publisher.on("touchpoints")
    assert event.event_id == done.event_ids[0] and event.data.source == "website-form"


async def test_replaying_twice_gives_the_same_event_ids_even_without_a_sender_id():
    form = {k: v for k, v in FORM.items() if k != "submission_id"}
    first = await replay(a_rejection(form), SOURCES, None, now=NOW, timeout=1)
    again = await replay(a_rejection(form), SOURCES, None, now=NOW + timedelta(days=1), timeout=1)
    assert first.event_ids == again.event_ids and first.detail.startswith("would publish")


async def test_a_touchpoints_body_goes_through_the_touchpoints_path():
    done = await replay(a_rejection(a_touchpoint_doc(), source="webinar-platform"), SOURCES, None, now=NOW, timeout=1)
    assert done.outcome == "accepted"


async def test_what_is_still_wrong_is_refused_again_with_the_reason():
    done = await replay(a_rejection(FORM | {"Rueckruf": "vielleicht"}), SOURCES, None, now=NOW, timeout=1)
    assert done.outcome == "refused again" and "Rueckruf" in done.detail


async def test_truncated_and_signature_rejections_are_not_replayed():
    cut = a_rejection(FORM, reason="Too big. (truncated: raw_body keeps the first 65536 of 2000000 bytes)")
    forged = a_rejection(FORM, errors=[{"field": "webhook-signature", "message": "does not match"}])
    assert "64 KiB" in why_not_replayable(cut) and "forged" in why_not_replayable(forged)
    assert (await replay(forged, SOURCES, FakePublisher(), now=NOW, timeout=1)).outcome == "not replayable"


def test_selection_by_time_and_source():
    rejection = a_rejection(FORM)
    assert is_selected(rejection, NOW - timedelta(hours=2), "website-form")
    assert not is_selected(rejection, NOW, None) and not is_selected(rejection, None, "webinars")


def test_since_takes_iso_times_and_durations_ago():
    assert parse_since("2d", NOW) == NOW - timedelta(days=2)
    assert parse_since("30m", NOW) == NOW - timedelta(minutes=30)
    assert parse_since("2026-11-20T08:00:00Z", NOW) == datetime(2026, 11, 20, 8, tzinfo=UTC)
