"""A publisher that keeps events in a list, webhook ids in a dict, a clock that moves when told, and the
ingest app wired to them (no Kafka, no database, no lifespan)."""

from datetime import UTC, datetime, timedelta

import httpx
from lead_events import Envelope, encode
from lead_runtime.settings import KafkaSettings

from ingest.api import get_publisher
from ingest.bootstrap import make_app
from ingest.settings import Settings
from ingest.webhooks_api import get_deliveries


class FakePublisher:
    def __init__(self) -> None:
        self.published: list[tuple[str, Envelope]] = []
        self.error: Exception | None = None

    async def publish_many(self, topic: str, events: list[Envelope]) -> None:
        if self.error is not None:
            raise self.error
        for event in events:
            encode(event)  # as the Kafka publisher does: what cannot be serialised fails here, not later
        self.published.extend((topic, e) for e in events)

    def on(self, topic: str) -> list[Envelope]:
        return [e for t, e in self.published if t == topic]


class FakeDeliveries:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[dict, datetime]] = {}
        self.error: Exception | None = None

    async def answer_of(self, source: str, delivery_id: str) -> dict | None:
        if self.error is not None:
            raise self.error
        row = self.rows.get((source, delivery_id))
        return row[0] if row else None

    async def remember(self, source: str, delivery_id: str, answer: dict, now: datetime) -> None:
        if self.error is not None:
            raise self.error
        self.rows.setdefault((source, delivery_id), (answer, now))

    async def forget_before(self, cutoff: datetime, batch: int = 5000) -> int:
        old = [k for k, (_, at) in self.rows.items() if at < cutoff][:batch]
        for key in old:
            del self.rows[key]
        return len(old)


class MovableClock:
    def __init__(self, now: datetime = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)) -> None:  # after the examples happened
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def client_for(
    publisher: FakePublisher, deliveries: FakeDeliveries | None = None, clock: MovableClock | None = None,
    **settings: object,
) -> httpx.AsyncClient:
    """Without the lifespan no producer starts; routes get the fakes through their dependencies."""
    kwargs = {"clock": clock} if clock is not None else {}
    app = make_app(Settings(kafka=KafkaSettings(bootstrap_servers="unused:9092"), **settings), **kwargs)
    app.dependency_overrides[get_publisher] = lambda: publisher
    store = deliveries if deliveries is not None else FakeDeliveries()
    app.dependency_overrides[get_deliveries] = lambda: store
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest")
