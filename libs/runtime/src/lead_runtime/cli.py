"""`python -m <service> serve [all|api|worker]|migrate`: the same few lines for every service."""

import argparse
import gc
import logging
import os
from collections.abc import Callable, Sequence

import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from .config import ConfigError
from .logs import configure_logging
from .migrate import upgrade
from .service import MODES
from .settings import ServiceSettings

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def tune_garbage_collector() -> None:
    """A consumer allocates many short-lived objects per message; with the default threshold (700)
    the cyclic collector ran so often that it took about a fifth of scoring's CPU, walking the
    long-lived modules, models and compiled statements each time. Those are frozen out of its
    sight, and the young generation is collected every 50,000 allocations instead."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def parse_args(name: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"python -m {name}")
    parser.add_argument("command", choices=["serve", "migrate"])
    parser.add_argument("mode", nargs="?", choices=MODES,
                        help="serve only: all (default, one process), api (routes), worker (consumers and workers)")
    args = parser.parse_args(argv)
    if args.command == "migrate" and args.mode is not None:
        parser.error("migrate takes no mode")
    args.mode = args.mode or "all"
    return args


def run_cli(
    name: str,
    get_settings: Callable[[], ServiceSettings],
    make_app: Callable[..., FastAPI],  # make_app(settings, mode=...)
) -> None:
    args = parse_args(name)
    level = os.environ.get("LEADFLOW_LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        raise SystemExit(f"{name}: LEADFLOW_LOG_LEVEL={level!r} is not one of {', '.join(LOG_LEVELS)}")
    configure_logging(name, level)  # INFO: one line per handled event, so a touchpoint can be followed
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise SystemExit(
            f"{name}: refusing to start: settings missing or invalid (`bash deploy/stack.sh env` and"
            f" .env.example list the variables)\n{exc}"
        ) from None
    if args.command == "migrate":
        database = getattr(settings, "database", None)
        if database is None:
            print(f"{name} has no database; nothing to migrate")
            return
        logging.getLogger("alembic").setLevel("WARNING")  # one line of outcome is enough
        upgrade(name, database.url.get_secret_value())
        print(f"{name}: migrations applied")
        return
    try:
        app = make_app(settings, mode=args.mode)
    except ConfigError as exc:
        raise SystemExit(f"{name}: refusing to start: invalid agreement file\n{exc}") from None
    tune_garbage_collector()
    uvicorn.run(
        app,
        host=settings.http.host,
        port=settings.http.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )
