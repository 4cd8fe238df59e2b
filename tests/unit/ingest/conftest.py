from collections.abc import AsyncIterator

import httpx
import pytest

from .fakes import FakePublisher, client_for


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


@pytest.fixture
async def client(publisher: FakePublisher) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(publisher, publish_timeout_seconds=0.5) as c:
        yield c
