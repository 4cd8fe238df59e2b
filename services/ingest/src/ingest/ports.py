"""What ingest needs from the outside world."""

from typing import Protocol

from lead_events import Envelope


class EventPublisher(Protocol):
    """Publishes straight to Kafka and returns once the broker acknowledged (KafkaEventPublisher)."""

    async def publish_many(self, topic: str, events: list[Envelope]) -> None: ...
