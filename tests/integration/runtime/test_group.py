"""lead_runtime.group on the real database: one transaction per partition group, the fast path
without savepoints, the careful re-run when a handler fails, de-duplication, erasures, the DLQ."""

from datetime import timedelta

import pytest
from aiokafka import ConsumerRecord
from lead_events import ErasureData, PrivacyErasureRequested, encode, topics
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.erasures import record_erasure
from lead_runtime.group import run_group
from reporting.adapters.tables import privacy_erasures
from sqlalchemy import text

from tests.builders import a_contact, a_recorded

pytestmark = pytest.mark.integration
UNPREFIX = {"touchpoints": topics.TOUCHPOINTS, "privacy.erasures": topics.PRIVACY_ERASURES}


def record(value: bytes, offset: int, topic: str = "touchpoints") -> ConsumerRecord:
    return ConsumerRecord(topic, 0, offset, 0, 0, b"key", value, None, 3, len(value), ())


@pytest.fixture
async def sessions(fresh_database):
    engine = make_engine(await fresh_database("reporting"))  # any service's database has the runtime tables
    yield make_sessionmaker(engine)
    await engine.dispose()


class Handlers:
    """Each touchpoint writes a row (to see rollbacks) and publishes one event; `fail` raises."""

    def __init__(self, fail: set[str] = frozenset()) -> None:
        self.fail = fail
        self.calls: list[str] = []

    async def touchpoint(self, session, event):
        self.calls.append(event.event_id)
        await record_erasure(session, privacy_erasures, f"side-effect-{event.event_id}", "nobody", event.occurred_at,
                             event.occurred_at)
        if event.event_id in self.fail:
            raise ValueError("the handler has a bug")
        return [(topics.LEAD_SCORES, event)]

    async def erasure(self, session, event):
        await record_erasure(session, privacy_erasures, event.data.erasure_id, event.lead_id, event.occurred_at,
                             event.occurred_at)
        return []

    def table(self) -> dict:
        return {"touchpoint.recorded": self.touchpoint, "privacy.erasure_requested": self.erasure}


async def run(sessions, handlers: Handlers, records: list[ConsumerRecord]):
    return await run_group(sessions, records, "scoring", handlers.table(), UNPREFIX)


async def rows(sessions, sql: str) -> list:
    async with sessions() as session:
        return (await session.execute(text(sql))).all()


async def test_a_failing_handler_sends_only_its_message_to_the_dlq_and_undoes_only_its_writes(sessions):
    first, bad, last = (a_recorded("webinar_attended", a_contact()) for _ in range(3))
    handlers = Handlers(fail={bad.event_id})
    outcomes = await run(sessions, handlers, [record(encode(e), i) for i, e in enumerate((first, bad, last))])

    assert [o.outcome for o in outcomes] == ["applied", "dead_lettered", "applied"]
    assert "ValueError: the handler has a bug" in outcomes[1].detail["error"]
    outbox = await rows(sessions, "SELECT topic, key FROM outbox ORDER BY id")
    assert [r.topic for r in outbox] == [topics.LEAD_SCORES, topics.dlq(topics.TOUCHPOINTS), topics.LEAD_SCORES]
    assert [r.key for r in outbox] == [first.lead_id, "key", last.lead_id]  # the DLQ keeps the message's own key
    kept = {r.erasure_id for r in await rows(sessions, "SELECT erasure_id FROM privacy_erasures")}
    assert kept == {f"side-effect-{first.event_id}", f"side-effect-{last.event_id}"}  # the bad one's write undone
    processed = {r.event_id for r in await rows(sessions, "SELECT event_id FROM processed_events")}
    assert processed == {first.event_id, bad.event_id, last.event_id}  # dead-lettered counts as done
    assert handlers.calls == [first.event_id, bad.event_id, first.event_id, bad.event_id, last.event_id]


async def test_copies_in_the_group_and_earlier_deliveries_are_duplicates(sessions):
    earlier, fresh = a_recorded("webinar_attended", a_contact()), a_recorded("whitepaper_downloaded", a_contact())
    handlers = Handlers()
    await run(sessions, handlers, [record(encode(earlier), 0)])
    outcomes = await run(sessions, handlers, [record(encode(e), i) for i, e in enumerate((earlier, fresh, fresh))])
    assert [o.outcome for o in outcomes] == ["duplicate", "applied", "duplicate"]
    assert handlers.calls == [earlier.event_id, fresh.event_id]
    assert len(await rows(sessions, "SELECT id FROM outbox")) == 2


async def test_what_happened_before_an_erasure_is_shut_out_also_within_the_same_group(sessions):
    contact = a_contact()
    before = a_recorded("demo_requested", contact)
    erasure = PrivacyErasureRequested.new(lead_id=before.lead_id, data=ErasureData(erasure_id="e-1"),
                                          occurred_at=before.occurred_at + timedelta(minutes=5))
    after = a_recorded("form_submitted", contact).model_copy(
        update={"occurred_at": erasure.occurred_at + timedelta(minutes=1)})
    records = [record(encode(erasure), 0, "privacy.erasures"), record(encode(before), 1), record(encode(after), 2)]
    handlers = Handlers()
    outcomes = await run(sessions, handlers, records)
    assert [o.outcome for o in outcomes] == ["applied", "erased", "applied"]
    assert handlers.calls == [after.event_id]

    later_delivery = a_recorded("pricing_viewed", contact).model_copy(update={"occurred_at": before.occurred_at})
    [outcome] = await run(sessions, handlers, [record(encode(later_delivery), 3)])
    assert outcome.outcome == "erased"  # the erasure recorded by an earlier transaction


async def test_an_undecodable_message_is_dead_lettered_on_the_fast_path(sessions):
    good = a_recorded("webinar_attended", a_contact())
    handlers = Handlers()
    outcomes = await run(sessions, handlers, [record(b"{not json", 0), record(encode(good), 1)])
    assert [o.outcome for o in outcomes] == ["dead_lettered", "applied"]
    assert handlers.calls == [good.event_id]  # no second, careful run was needed
