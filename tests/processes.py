"""The services as real processes (`python -m <svc> serve`), for end-to-end tests and the fault drills."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("ingest", "scoring", "nurture", "handoff", "reporting")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    mode: str = "all"  # serve all|api|worker

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[dict]:
        """The service's JSON log lines, parsed (a line that is not JSON is skipped: a crash's trace)."""
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.name, "serve", self.mode], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; log: {self.log_path}\n{self.tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} not ready after {timeout}s; log: {self.log_path}\n{self.tail()}")

    def kill(self) -> None:
        """kill -9: no shutdown hooks, no final commit."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def service_env(name: str, kafka_bootstrap: str, prefix: str, port: int, database_url: str | None, extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INGEST_", "SCORING_", "NURTURE_", "HANDOFF_", "REPORTING_", "LEADFLOW_"))}
    upper = name.upper()
    env.update(
        {
            "LEADFLOW_KAFKA__BOOTSTRAP_SERVERS": kafka_bootstrap,
            "LEADFLOW_KAFKA__TOPIC_PREFIX": prefix,
            "LEADFLOW_CONFIG_DIR": str(ROOT / "config"),
            f"{upper}_HTTP__PORT": str(port),
        }
    )
    if database_url:
        env[f"{upper}_DATABASE__URL"] = database_url
    env.update(extra)
    return env
