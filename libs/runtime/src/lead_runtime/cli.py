"""`python -m <service> serve|migrate`: the same few lines for every service."""

import argparse
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from .logs import configure_logging
from .migrate import upgrade
from .settings import ServiceSettings


def run_cli(
    name: str,
    get_settings: Callable[[], ServiceSettings],
    make_app: Callable[[ServiceSettings], FastAPI],
) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {name}")
    parser.add_argument("command", choices=["serve", "migrate"])
    args = parser.parse_args()
    configure_logging(name)
    settings = get_settings()
    if args.command == "migrate":
        database = getattr(settings, "database", None)
        if database is None:
            print(f"{name} has no database; nothing to migrate")
            return
        upgrade(name, database.url.get_secret_value())
        print(f"{name}: migrations applied")
        return
    uvicorn.run(
        make_app(settings),
        host=settings.http.host,
        port=settings.http.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )
