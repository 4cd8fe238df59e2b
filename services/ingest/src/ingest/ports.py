"""What ingest needs from the outside world."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from lead_events import Envelope

Clock = Callable[[], datetime]


class EventPublisher(Protocol):
    """Publishes straight to Kafka and returns once the broker acknowledged (KafkaEventPublisher)."""

    async def publish_many(self, topic: str, events: list[Envelope]) -> None: ...


class Deliveries(Protocol):
    """Webhook deliveries already published, with the answer given (SqlDeliveries)."""

    async def answer_of(self, source: str, delivery_id: str) -> dict | None: ...

    async def remember(self, source: str, delivery_id: str, answer: dict, now: datetime) -> None: ...

    async def forget_before(self, cutoff: datetime, batch: int = 5000) -> int: ...


class NoDeliveries:
    """Without a database nothing is remembered: a redelivery is published again (same event ids)."""

    async def answer_of(self, source: str, delivery_id: str) -> dict | None:
        return None

    async def remember(self, source: str, delivery_id: str, answer: dict, now: datetime) -> None:
        return None

    async def forget_before(self, cutoff: datetime, batch: int = 5000) -> int:
        return 0


class Erasures(Protocol):
    """Erasure requests published, recorded without personal data (SqlErasures)."""

    async def record(self, erasure_id: str, lead_id: str, requested_at: datetime) -> None: ...

    async def erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        """When each of these people asked to be erased, for those who did."""
        ...


class LoggedErasures:
    """Without a database the erasure is recorded in the log only (ids, no email); the consumers
    still skip what happened before it, but ingest cannot spare old touchpoints."""

    async def record(self, erasure_id: str, lead_id: str, requested_at: datetime) -> None:
        return None

    async def erased_at(self, lead_ids: Sequence[str]) -> dict[str, datetime]:
        return {}
