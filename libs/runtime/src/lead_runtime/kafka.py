"""Kafka producer with the settings every service wants, and direct publishing for ingest."""

from aiokafka import AIOKafkaProducer
from lead_events import Envelope, encode

from .outbox import event_headers
from .settings import KafkaSettings


def make_producer(kafka: KafkaSettings) -> AIOKafkaProducer:
    # acks=all + idempotence: an acknowledged event is on every in-sync replica, once.
    return AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        request_timeout_ms=15000,
    )


class KafkaEventPublisher:
    """Publishes straight to Kafka and waits for the broker's acknowledgement (used by ingest)."""

    def __init__(self, producer: AIOKafkaProducer, kafka: KafkaSettings) -> None:
        self._producer = producer
        self._kafka = kafka

    async def publish_many(self, topic: str, events: list[Envelope]) -> None:
        futures = [
            await self._producer.send(
                self._kafka.topic(topic),
                key=e.lead_id.encode(),
                value=encode(e),
                headers=[(k, v.encode()) for k, v in event_headers(e)],
            )
            for e in events
        ]
        for future in futures:
            await future
