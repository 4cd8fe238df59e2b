"""lead_runtime.group on the real database: one transaction per partition group, the fast path
without savepoints, the careful re-run when a handler fails, de-duplication, erasures, the DLQ."""

import asyncio
import json
import time
from datetime import UTC, timedelta

import pytest
from aiokafka import ConsumerRecord
from lead_events import ErasureData, PrivacyErasureRequested, encode, topics
from lead_runtime.db import make_engine, make_sessionmaker
from lead_runtime.erasures import record_erasure
from lead_runtime.group import Batch, is_transient, run_group
from reporting.adapters.tables import privacy_erasures
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

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


async def test_a_database_failure_in_a_handler_rolls_back_and_is_retried_not_dead_lettered(sessions):
    event = a_recorded("webinar_attended", a_contact())

    async def database_gone(session, e):
        raise OperationalError("INSERT ...", {}, ConnectionError("server closed the connection"))

    with pytest.raises(OperationalError):
        await run_group(sessions, [record(encode(event), 0)], "scoring", {"touchpoint.recorded": database_gone}, UNPREFIX)
    assert await rows(sessions, "SELECT event_id FROM processed_events") == []  # the batch will come again
    assert await rows(sessions, "SELECT id FROM outbox") == []


async def test_types_the_service_does_not_handle_are_not_marked(sessions):
    """So a handler added later still sees them when the topic is read again."""
    unhandled = a_recorded("webinar_attended", a_contact())
    outcomes = await run_group(sessions, [record(encode(unhandled), 0)], "scoring", {}, UNPREFIX)
    assert [o.outcome for o in outcomes] == ["skipped"]
    assert await rows(sessions, "SELECT event_id FROM processed_events") == []


async def test_a_timestamp_without_a_zone_is_read_as_utc_and_compared_with_the_erasure(sessions):
    contact = a_contact()
    event = a_recorded("demo_requested", contact)
    async with sessions() as session, session.begin():
        await record_erasure(session, privacy_erasures, "e-9", event.lead_id, event.occurred_at + timedelta(hours=1),
                             event.occurred_at + timedelta(hours=1))
    doc = json.loads(encode(event))
    doc["occurred_at"] = event.occurred_at.astimezone(UTC).replace(tzinfo=None).isoformat()  # no zone
    [outcome] = await run(sessions, Handlers(), [record(json.dumps(doc).encode(), 0)])
    assert outcome.outcome == "erased"


async def test_a_nul_in_a_copied_header_does_not_block_the_outbox(sessions):
    poison = ConsumerRecord("touchpoints", 0, 7, 0, 0, b"key", b"{not json", None, 3, 9, [("tr\x00ace", b"a\x00b")])
    good = a_recorded("webinar_attended", a_contact()).model_copy(update={"correlation_id": "corr\x00elated"})
    outcomes = await run(sessions, Handlers(), [poison, record(encode(good), 8)])
    assert [o.outcome for o in outcomes] == ["dead_lettered", "applied"]
    headers = [r.headers for r in await rows(sessions, "SELECT headers FROM outbox ORDER BY id")]
    assert ["trace", "ab"] in headers[0] and ["correlation_id", "correlated"] in headers[1]


async def test_a_lock_timeout_is_transient_the_batch_is_retried_not_dead_lettered(sessions):
    """Another transaction holds the row (SQLSTATE 55P03 once the lock wait times out)."""
    event = a_recorded("webinar_attended", a_contact())

    async def wants_the_locked_row(session, e):
        await session.execute(text("SET LOCAL lock_timeout = '100ms'"))
        await session.execute(text("SELECT * FROM privacy_erasures WHERE erasure_id = 'held' FOR UPDATE"))
        return []

    async with sessions() as holder, holder.begin():
        await record_erasure(holder, privacy_erasures, "held", "someone", event.occurred_at, event.occurred_at)
    async with sessions() as holder, holder.begin():
        await holder.execute(text("SELECT * FROM privacy_erasures WHERE erasure_id = 'held' FOR UPDATE"))
        with pytest.raises(DBAPIError) as raised:
            await run_group(sessions, [record(encode(event), 0)], "scoring",
                            {"touchpoint.recorded": wants_the_locked_row}, UNPREFIX)
    assert is_transient(raised.value) and not isinstance(raised.value, OperationalError)
    assert await rows(sessions, "SELECT id FROM outbox") == []  # nothing dead-lettered


class BatchHandlers(Handlers):
    """The same handler as a Batch: consecutive touchpoints come as one list."""

    def __init__(self, fail: set[str] = frozenset()) -> None:
        super().__init__(fail)
        self.batches: list[list[str]] = []

    async def touchpoints(self, session, events):
        self.batches.append([e.event_id for e in events])
        return [await self.touchpoint(session, e) for e in events]

    def table(self) -> dict:
        return {"touchpoint.recorded": Batch(self.touchpoints), "privacy.erasure_requested": self.erasure}


async def test_a_batch_handler_gets_consecutive_events_at_once_and_an_erasure_cuts_the_run(sessions):
    contact = a_contact()
    one, two = a_recorded("webinar_attended", contact), a_recorded("page_visited", contact)
    erasure = PrivacyErasureRequested.new(lead_id=one.lead_id, data=ErasureData(erasure_id="e-b"),
                                          occurred_at=one.occurred_at + timedelta(minutes=5))
    late = a_recorded("pricing_viewed", contact).model_copy(update={"occurred_at": one.occurred_at})
    after = a_recorded("form_submitted", contact).model_copy(update={"occurred_at": erasure.occurred_at + timedelta(minutes=1)})
    records = [record(encode(one), 0), record(encode(two), 1), record(encode(erasure), 2, "privacy.erasures"),
               record(encode(late), 3), record(encode(after), 4)]
    handlers = BatchHandlers()
    outcomes = await run(sessions, handlers, records)
    assert [o.outcome for o in outcomes] == ["applied", "applied", "applied", "erased", "applied"]
    assert handlers.batches == [[one.event_id, two.event_id], [after.event_id]]
    outbox = await rows(sessions, "SELECT topic FROM outbox ORDER BY id")
    assert [r.topic for r in outbox] == [topics.LEAD_SCORES] * 3


async def test_a_poison_message_in_a_batch_is_dead_lettered_alone_and_the_rest_applied(sessions):
    first, bad, last = (a_recorded("webinar_attended", a_contact()) for _ in range(3))
    handlers = BatchHandlers(fail={bad.event_id})
    outcomes = await run(sessions, handlers, [record(encode(e), i) for i, e in enumerate((first, bad, last))])
    assert [o.outcome for o in outcomes] == ["applied", "dead_lettered", "applied"]
    assert handlers.batches[0] == [first.event_id, bad.event_id, last.event_id]  # the fast path tried them at once
    assert handlers.batches[1:] == [[first.event_id], [bad.event_id], [last.event_id]]  # then one at a time
    kept = {r.erasure_id for r in await rows(sessions, "SELECT erasure_id FROM privacy_erasures")}
    assert kept == {f"side-effect-{first.event_id}", f"side-effect-{last.event_id}"}


async def test_a_type_the_service_does_not_handle_is_told_by_its_header_and_not_decoded(sessions):
    unhandled = ConsumerRecord("touchpoints", 0, 0, 0, 0, b"key", b"{not even json", None, 3, 14,
                               [("event_type", b"lead.scored")])
    outcomes = await run(sessions, Handlers(), [unhandled])
    assert [o.outcome for o in outcomes] == ["skipped"]  # not dead-lettered: the body was never read


class Endless(BatchHandlers):
    """One message sends the handler into an endless loop in pure code (as the redaction once did),
    another into a statement that does not return; the rest write and publish as usual."""

    def __init__(self, spins: str, sleeps: str) -> None:
        super().__init__()
        self.spins, self.sleeps = spins, sleeps

    async def touchpoint(self, session, event):
        if event.event_id == self.spins:
            while True:  # holds the event loop: no asyncio timeout can fire
                pass
        if event.event_id == self.sleeps:
            await session.execute(text("SELECT pg_sleep(30)"))
        return await super().touchpoint(session, event)


@pytest.mark.parametrize("as_batch", [True, False], ids=["batch handler", "one-event handler"])
async def test_a_handler_past_its_budget_dead_letters_its_message_and_the_rest_is_applied(sessions, as_batch):
    events = [a_recorded("webinar_attended", a_contact()) for _ in range(4)]
    handlers = Endless(spins=events[1].event_id, sleeps=events[2].event_id)
    table = handlers.table() if as_batch else {"touchpoint.recorded": handlers.touchpoint}
    started = asyncio.get_running_loop().time()
    outcomes = await run_group(sessions, [record(encode(e), i) for i, e in enumerate(events)], "scoring", table,
                               UNPREFIX, budget_seconds=0.5)

    assert [o.outcome for o in outcomes] == ["applied", "dead_lettered", "dead_lettered", "applied"]
    assert all("past its time budget of 0.5 s" in o.detail["error"] for o in outcomes[1:3])
    assert asyncio.get_running_loop().time() - started < 10  # not the 30 s of the sleeping statement
    kept = {r.erasure_id for r in await rows(sessions, "SELECT erasure_id FROM privacy_erasures")}
    assert kept == {f"side-effect-{events[0].event_id}", f"side-effect-{events[3].event_id}"}
    dlq = await rows(sessions, "SELECT topic FROM outbox WHERE topic LIKE '%.dlq'")
    assert len(dlq) == 2


async def test_the_budget_interrupts_only_the_handler_not_other_work_holding_the_loop():
    from lead_runtime.budget import DEADLINES, OverBudget, within_budget

    DEADLINES.start_watchdog()

    async def spins():
        while True:
            pass

    with pytest.raises(OverBudget):
        await within_budget(spins(), 0.2)
    deadline = time.monotonic() + 0.6
    while time.monotonic() < deadline:  # not budgeted: the watchdog leaves it alone
        pass
    assert not DEADLINES.active
