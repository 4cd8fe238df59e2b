"""Debian's headless Chromium, as the machine's own browser: screenshots and the rendered DOM."""

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("chromium is missing: `bash deploy/browser.sh` installs Debian's (make test does)")
    return found


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, timeout=timeout, check=True,
        )


def rendered_dom(url: str) -> str:
    return _run("--dump-dom", url).stdout.decode()


def screenshot(url: str, path: Path, size: str = "1400,1800") -> Path:
    _run(f"--screenshot={path}", f"--window-size={size}", url)
    return path
