"""JSON logs: event ids travel with the work; a flood of identical client errors is thinned."""

import json
import logging
import os
import subprocess
import sys

from lead_runtime.logs import JsonFormatter, RepeatFilter, log_context


def a_record(name: str, msg: str) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, (), None)


def test_lines_carry_event_and_correlation_id_while_an_event_is_handled():
    with log_context("ev-1", "tp-1"):
        line = json.loads(JsonFormatter().format(a_record("scoring.handlers", "scored")))
    assert line["event_id"] == "ev-1" and line["correlation_id"] == "tp-1"


def test_repeated_kafka_client_errors_pass_once_per_period():
    keep = RepeatFilter(seconds=60)
    passed = [keep.filter(a_record("aiokafka", "Unable connect to node %s")) for _ in range(100)]
    assert passed.count(True) == 1


def test_our_own_lines_are_never_thinned():
    keep = RepeatFilter(seconds=60)
    assert all(keep.filter(a_record("lead_runtime.consumer", "batch failed")) for _ in range(5))


def test_an_unknown_log_level_stops_the_service_with_the_variable_named():
    env = {**os.environ, "LEADFLOW_LOG_LEVEL": "loud"}
    done = subprocess.run([sys.executable, "-m", "reporting", "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "LEADFLOW_LOG_LEVEL='LOUD' is not one of DEBUG, INFO, WARNING, ERROR" in done.stderr
