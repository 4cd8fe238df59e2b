"""Fixtures of handoff's integration tests (the shared ones live in tests/conftest.py)."""

import pytest
from lead_runtime.settings import DatabaseSettings

from tests.stubs.crm import CrmStub


@pytest.fixture
def crm() -> CrmStub:
    with CrmStub() as stub:
        yield stub


@pytest.fixture
async def database(fresh_database) -> DatabaseSettings:
    # A database per test: a pending delivery left by one test must not reach another's stub.
    return await fresh_database("handoff")
