"""Settings -> the ingest app. Ingest has no database and consumes nothing: it only publishes."""

from fastapi import FastAPI
from lead_runtime.service import Runtime, ServiceParts, create_app

from .api import install_openapi, make_router
from .settings import Settings


def build(runtime: Runtime) -> ServiceParts:
    return ServiceParts()


def make_app(settings: Settings) -> FastAPI:
    app = create_app(
        name="ingest", settings=settings, database=None, build=build, routers=[make_router(settings)]
    )
    install_openapi(app)
    return app
