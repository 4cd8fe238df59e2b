"""A service's routes under test without its runtime: the router over a session factory (a real
database) and the runtime state its routes read, no broker, workers or credentials."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace

import httpx
from fastapi import APIRouter, FastAPI
from lead_runtime.problems import install_problem_handlers
from lead_runtime.service import get_runtime, get_session


@asynccontextmanager
async def route_client(router: APIRouter, sessions: Callable, state: dict) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(router)
    install_problem_handlers(app)

    async def session():
        async with sessions() as s:
            yield s

    app.dependency_overrides[get_session] = session
    app.dependency_overrides[get_runtime] = lambda: SimpleNamespace(parts=SimpleNamespace(state=state))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client
