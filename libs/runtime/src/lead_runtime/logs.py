"""Structured JSON logs that carry the service, event_id and correlation_id of the work at hand."""

import contextlib
import contextvars
import logging
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from . import fastjson

_service = contextvars.ContextVar("service", default="-")
_event_id = contextvars.ContextVar("event_id", default=None)
_correlation_id = contextvars.ContextVar("correlation_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": _service.get(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if (event_id := _event_id.get()) is not None:
            doc["event_id"] = event_id
        if (correlation_id := _correlation_id.get()) is not None:
            doc["correlation_id"] = correlation_id
        doc.update(getattr(record, "fields", {}))
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return fastjson.dumps(doc, default=str)


class RepeatFilter(logging.Filter):
    """The Kafka client logs the same error hundreds of times a second while a broker is away:
    let one of each through per `seconds`, and say how many were held back."""

    def __init__(self, prefixes: tuple[str, ...] = ("aiokafka", "kafka"), seconds: float = 10.0) -> None:
        super().__init__()
        self._prefixes = prefixes
        self._seconds = seconds
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self._prefixes):
            return True
        key = (record.name, str(record.msg))
        now = time.monotonic()
        last, held = self._seen.get(key, (0.0, 0))
        if now - last < self._seconds:
            self._seen[key] = (last, held + 1)
            return False
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if held:
            record.fields = {**getattr(record, "fields", {}), "repeats_suppressed": held}
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    _service.set(service)
    # A consumer writes a line per handled event: skip what our lines never show (the caller's
    # file and line, found by walking the stack; thread and process), the logging module's own
    # advice for speed, about a third of a line's cost.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RepeatFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "kafka", "sqlalchemy.engine", "httpx"):
        logging.getLogger(noisy).setLevel("WARNING")


@contextlib.contextmanager
def log_context(event_id: str | None, correlation_id: str | None) -> Iterator[None]:
    tokens = (_event_id.set(event_id), _correlation_id.set(correlation_id))
    try:
        yield
    finally:
        _event_id.reset(tokens[0])
        _correlation_id.reset(tokens[1])


def fields(**values: object) -> dict:
    """`log.info("msg", extra=fields(lead_id=...))` adds structured fields."""
    return {"fields": values}
