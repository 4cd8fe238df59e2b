from collections.abc import AsyncIterator

import httpx
import pytest

from .fakes import FakeDeliveries, FakePublisher, MovableClock, client_for


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
def deliveries() -> FakeDeliveries:
    return FakeDeliveries()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def client(publisher: FakePublisher, deliveries: FakeDeliveries, clock: MovableClock) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(publisher, deliveries, clock, publish_timeout_seconds=0.5) as c:
        yield c
