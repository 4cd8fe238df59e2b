"""A publisher that keeps events in a list, and the ingest app wired to it (no Kafka, no lifespan)."""

import httpx
from lead_events import Envelope
from lead_runtime.settings import KafkaSettings

from ingest.api import get_publisher
from ingest.bootstrap import make_app
from ingest.settings import Settings


class FakePublisher:
    def __init__(self) -> None:
        self.published: list[tuple[str, Envelope]] = []
        self.error: Exception | None = None

    async def publish_many(self, topic: str, events: list[Envelope]) -> None:
        if self.error is not None:
            raise self.error
        self.published.extend((topic, e) for e in events)

    def on(self, topic: str) -> list[Envelope]:
        return [e for t, e in self.published if t == topic]


def client_for(publisher: FakePublisher, **settings: object) -> httpx.AsyncClient:
    """Without the lifespan no producer starts; the route gets `publisher` through PublisherDep."""
    app = make_app(Settings(kafka=KafkaSettings(bootstrap_servers="unused:9092"), **settings))
    app.dependency_overrides[get_publisher] = lambda: publisher
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest")
