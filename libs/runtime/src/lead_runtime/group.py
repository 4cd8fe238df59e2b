"""One consumed batch (a group of records), inside its transaction: de-duplicate by event_id, shut out
what an erasure forbids, run the handlers, write what they publish to the outbox, dead-letter
what cannot be handled.

Round trips are what cost here, so the group is marked in one statement and its outbox rows are
written in one. The fast path runs the handlers without savepoints; if one fails, the caller
rolls the transaction back and runs the group again `careful`ly, a savepoint per message, so
only the failing message goes to the DLQ. A handler call that runs past its time budget
(`lead_runtime.budget`) is treated alike; in the careful run the message that overran is
condemned, the transaction rolled back (a call cut off mid-statement leaves no savepoint to
return to) and the group run once more with that message dead-lettered unhandled.
"""

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import ConsumerRecord
from lead_events import Envelope, UndecodableEvent, UnknownEventType, decode, topics
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import erasures, metrics, outbox
from .budget import OverBudget, within_budget
from .logs import fields, log_context

log = logging.getLogger(__name__)
Publish = tuple[str, Envelope]  # (contract topic, event)
OneHandler = Callable[[AsyncSession, Envelope], Awaitable[Sequence[Publish]]]
BatchFunction = Callable[[AsyncSession, list[Envelope]], Awaitable[list[Sequence[Publish]]]]


@dataclass(frozen=True)
class Batch:
    """A handler that takes consecutive events of its type as one list and returns, for each, what
    it publishes. It loads state for all of them in one statement per table and writes once, so
    a group costs a fixed number of round trips (make bench: statements per touchpoint)."""

    handle: BatchFunction


Handler = OneHandler | Batch

# Marks the group's events processed and reads when the people they are about asked to be
# erased, in one round trip. Every consuming service has the erasures table.
_MARK = text(
    "WITH mark AS (INSERT INTO processed_events (event_id) SELECT unnest(CAST(:ids AS text[]))"
    " ON CONFLICT DO NOTHING RETURNING event_id)"
    " SELECT 'new' AS kind, event_id AS id, CAST(NULL AS timestamptz) AS at FROM mark"
    f" UNION ALL SELECT 'erased', lead_id, max(requested_at) FROM {erasures.TABLE}"
    " WHERE lead_id = ANY(CAST(:leads AS text[])) GROUP BY lead_id"
)
_PING = text("SELECT 1")


class InfrastructureError(Exception):
    """A handler failed and the database no longer answers: the message is not to blame."""


class HandlerFailed(Exception):
    """Fast path: a handler raised. Roll back and run the group again, carefully."""


DEFAULT_BUDGET_SECONDS = 5.0


@dataclass
class _Budget:
    """The time each handler call may take, and the messages condemned for overrunning it."""

    seconds: float
    condemned: dict[str, str] = field(default_factory=dict)  # event_id -> why
    overran: bool = False

    async def call(self, handler: "Handler", session: AsyncSession, events: list[Envelope]) -> list[Sequence[Publish]]:
        try:
            if isinstance(handler, Batch):
                return await within_budget(handler.handle(session, events), self.seconds)
            [event] = events
            return [await within_budget(handler(session, event), self.seconds)]
        except OverBudget as exc:
            self.overran = True  # whatever the rollback raises next, the group knows why
            if len(events) == 1:
                self.condemned[events[0].event_id] = str(exc)
            raise


# Failures that say nothing about the message: retry the batch instead of dead-lettering.
TRANSIENT = (
    sa_exc.OperationalError, sa_exc.InterfaceError, OSError, ConnectionError, TimeoutError, InfrastructureError
)
# SQLSTATEs that pass with a retry: any connection exception (08...), serialization failure,
# deadlock, lock not available, insufficient resources (53...), server shutting down or starting.
# Not a statement timeout (57014): a message that makes a statement that slow would be retried forever.
_RETRYABLE_SQLSTATES = ("08", "40001", "40P01", "55P03", "53", "57P01", "57P02", "57P03")


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        orig = exc.orig
        state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "__cause__", None), "sqlstate", None)
        return bool(state) and str(state).startswith(_RETRYABLE_SQLSTATES)
    return False


@dataclass
class Outcome:
    """What happened to one message; counted and logged once the transaction has committed."""

    outcome: str  # applied, duplicate, erased, skipped, dead_lettered
    topic: str
    record: ConsumerRecord
    event: Envelope | None = None
    seconds: float = 0.0
    rows: list[outbox.Row] = field(default_factory=list)  # for the outbox, in order
    emitted: list[dict] = field(default_factory=list)  # topic, event_type, event_id of each event published
    detail: dict = field(default_factory=dict)


async def run_group(
    sessions: async_sessionmaker[AsyncSession], records: Sequence[ConsumerRecord], group_id: str,
    handlers: dict[str, Handler], unprefix: dict[str, str], budget_seconds: float = DEFAULT_BUDGET_SECONDS,
) -> list[Outcome]:
    """The group in one transaction; if a handler fails, all of it again with a savepoint per message."""
    budget = _Budget(budget_seconds)
    try:
        async with sessions() as session, session.begin():
            return await _process(session, records, group_id, handlers, unprefix, budget, careful=False)
    except Exception as exc:
        if not (isinstance(exc, HandlerFailed) or budget.overran):
            raise
        cause = exc.__cause__ or exc
        metrics.GROUP_RERUNS.labels(group_id).inc()
        log.warning("handler failed; running the group again, a savepoint per message",
                    extra=fields(failed=str(exc), error=f"{type(cause).__name__}: {cause}"))
    while True:  # each turn that overruns condemns one more message, so this ends
        budget.overran = False
        try:
            async with sessions() as session, session.begin():
                return await _process(session, records, group_id, handlers, unprefix, budget, careful=True)
        except Exception:
            if not budget.overran:
                raise
        if not await _database_answers(sessions):
            raise InfrastructureError("a handler overran its budget and the database does not answer")


async def _process(
    session: AsyncSession, records: Sequence[ConsumerRecord], group_id: str, handlers: dict[str, Handler],
    unprefix: dict[str, str], budget: _Budget, careful: bool,
) -> list[Outcome]:
    decoded = [(record, unprefix[record.topic], _decode(record, handlers)) for record in records]
    ours = [item for _, _, item in decoded if isinstance(item, Envelope) and item.event_type in handlers]
    new_ids, erased_at = await _mark(session, ours)
    outcomes: list[Outcome] = []
    run: list[tuple[ConsumerRecord, str, Envelope]] = []  # consecutive events for one Batch handler

    def applied(outcome: Outcome) -> None:
        event = outcome.event
        if outcome.outcome == "applied" and event is not None and event.event_type == erasures.ERASURE_EVENT:
            erased_at[event.lead_id] = max(erased_at.get(event.lead_id, event.occurred_at), event.occurred_at)
        outcomes.append(outcome)

    async def flush() -> None:
        if run:
            for outcome in await _handle_run(session, handlers[run[0][2].event_type], budget, run):
                applied(outcome)
            run.clear()

    for record, topic, item in decoded:
        if isinstance(item, UndecodableEvent):
            outcome = _dead_letter(group_id, topic, record, None, str(item))
        elif item is None or item.event_type not in handlers:
            outcome = Outcome("skipped", topic, record, item)  # a newer producer's type, or not ours: not marked
        elif item.event_id not in new_ids:
            outcome = Outcome("duplicate", topic, record, item)
        elif item.event_id in budget.condemned:
            new_ids.discard(item.event_id)
            outcome = _dead_letter(group_id, topic, record, item, budget.condemned[item.event_id])
        elif erasures.predates_erasure(item.event_type, item.occurred_at, erased_at.get(item.lead_id)):
            new_ids.discard(item.event_id)
            outcome = Outcome("erased", topic, record, item, detail={"erased_at": erased_at[item.lead_id]})
        else:
            new_ids.discard(item.event_id)  # a second copy in this very group is a duplicate
            handler = handlers[item.event_type]
            if isinstance(handler, Batch) and not careful:
                if run and handlers[run[0][2].event_type] is not handler:
                    await flush()
                run.append((record, topic, item))
                continue
            await flush()  # what came before is applied first: one lead's events stay in order
            outcome = await _handle(session, handler, budget, group_id, topic, record, item, careful)
        if careful and outcome.outcome == "dead_lettered":
            await outbox.add_rows(session, outcome.rows)  # the applied ones wrote theirs in their savepoint
        applied(outcome)
    await flush()
    if not careful:
        try:
            await outbox.add_rows(session, [row for o in outcomes for row in o.rows])
        except Exception as exc:
            if is_transient(exc):
                raise
            raise HandlerFailed("the outbox write") from exc  # a row the database refuses: find its message carefully
    return outcomes


def _header_type(record: ConsumerRecord) -> str | None:
    for key, value in record.headers or ():
        if key == "event_type":
            return value.decode(errors="replace")
    return None


def _decode(record: ConsumerRecord, handlers: dict[str, Handler]) -> Envelope | UndecodableEvent | None:
    """None for a type the service does not handle: told by the header our producers set, so the
    value is not even decoded (a message without the header is decoded and told by its body)."""
    header_type = _header_type(record)
    if header_type is not None and header_type not in handlers:
        return None
    try:
        return decode(record.value, header_type)
    except UnknownEventType:
        return None
    except UndecodableEvent as exc:
        return exc


async def _mark(session: AsyncSession, events: list[Envelope]) -> tuple[set[str], dict[str, datetime]]:
    if not events:
        return set(), {}
    params = {"ids": [e.event_id for e in events], "leads": sorted({e.lead_id for e in events})}
    rows = (await session.execute(_MARK, params)).all()
    return {r.id for r in rows if r.kind == "new"}, {r.id: r.at for r in rows if r.kind == "erased"}


async def _handle_run(
    session: AsyncSession, handler: Batch, budget: _Budget, run: list[tuple[ConsumerRecord, str, Envelope]]
) -> list[Outcome]:
    """Fast path: the run in one call. A failure re-runs the group carefully, a message at a time."""
    started = time.perf_counter()
    events = [event for _, _, event in run]
    try:
        emitted_per_event = await budget.call(handler, session, events)
    except Exception as exc:
        if is_transient(exc):
            raise
        raise HandlerFailed(f"a batch of {len(events)} from {events[0].event_id}") from exc
    if len(emitted_per_event) != len(events):
        raise HandlerFailed(f"the batch handler answered {len(emitted_per_event)} results for {len(events)} events")
    each = (time.perf_counter() - started) / len(events)
    return [
        _applied(topic, record, event, each, emitted)
        for (record, topic, event), emitted in zip(run, emitted_per_event, strict=True)
    ]


def _applied(topic: str, record: ConsumerRecord, event: Envelope, seconds: float, emitted: Sequence[Publish]) -> Outcome:
    rows = [outbox.Row.of(out_topic, out_event) for out_topic, out_event in emitted]
    published = [{"topic": t, "event_type": e.event_type, "event_id": e.event_id} for t, e in emitted]
    return Outcome("applied", topic, record, event, seconds, rows, published)


async def _handle(
    session: AsyncSession, handler: Handler, budget: _Budget, group_id: str, topic: str, record: ConsumerRecord,
    event: Envelope, careful: bool,
) -> Outcome:
    started = time.perf_counter()
    with log_context(event.event_id, event.correlation_id):
        try:
            if careful:
                async with session.begin_nested():
                    [emitted] = await budget.call(handler, session, [event])
                    outcome = _applied(topic, record, event, 0.0, emitted)
                    await outbox.add_rows(session, outcome.rows)
            else:
                [emitted] = await budget.call(handler, session, [event])
                outcome = _applied(topic, record, event, 0.0, emitted)
        except Exception as exc:
            if budget.overran or is_transient(exc):
                raise
            if not careful:
                raise HandlerFailed(event.event_id) from exc
            if not await _database_answers(session):
                raise InfrastructureError(f"database gone while handling {event.event_id}") from exc
            trace = "".join(traceback.format_exception(exc))[-4000:]
            return _dead_letter(group_id, topic, record, event, f"{type(exc).__name__}: {exc}", trace)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _dead_letter(
    group_id: str, topic: str, record: ConsumerRecord, event: Envelope | None, error: str, trace: str | None = None
) -> Outcome:
    headers = [(k, v.decode(errors="replace")) for k, v in (record.headers or ())]
    headers += [
        ("dlq.error", error[:2000]),
        ("dlq.topic", topic),
        ("dlq.partition", str(record.partition)),
        ("dlq.offset", str(record.offset)),
        ("dlq.consumer_group", group_id),
    ]
    key = record.key.decode(errors="replace") if record.key else None
    row = outbox.Row(topics.dlq(topic), key, record.value or b"", headers)
    detail = {"error": error, "trace": trace} if trace else {"error": error}
    return Outcome("dead_lettered", topic, record, event, rows=[row], detail=detail)


async def _database_answers(where: AsyncSession | async_sessionmaker[AsyncSession]) -> bool:
    """Asked after a handler failed or overran (then on a fresh connection): a dead or stuck
    database must not send a good message to the DLQ."""
    try:
        if isinstance(where, AsyncSession):
            await asyncio.wait_for(where.execute(_PING), 5)
        else:
            async with where() as session:
                await asyncio.wait_for(session.execute(_PING), 5)
        return True
    except Exception:
        return False
