"""End-to-end: the real `make run` stack in a subprocess, on a free port, driven over HTTP."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import requests
from playwright.sync_api import Browser

from infra.local.server import free_port
from tests.support.chromium import NOT_INSTALLED, chromium_executable, launched_chromium
from tests.support.mail_checks import Seen, check_message

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90


@dataclass
class RunningStack:
    url: str
    admin_token: str
    outbox_dir: Path
    process: subprocess.Popen[str]

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return requests.post(f"{self.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]

    def delete(self, path: str, **kwargs: object) -> requests.Response:
        return requests.delete(f"{self.url}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]


def _read_until_banner(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Hand the server's first lines over until its banner (or its end: an empty line)."""
    for line in stream:
        lines.put(line)
        if "running at" in line:
            return
    lines.put("")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    port = free_port()
    outbox = tmp_path_factory.mktemp("outbox")
    env = {
        **os.environ,
        "PORT": str(port),
        "OUTBOX_DIR": str(outbox),
        "ADMIN_TOKEN": "e2e-admin-token",
        "PYTHONUNBUFFERED": "1",
    }
    for name in (
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "PUBLIC_BASE_URL",
        "AWS_ENDPOINT_URL",
    ):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    # The server prints its URL once it is ready to serve; read until then, for at most
    # STARTUP_SECONDS: a server that hangs before its banner fails the run, never blocks it.
    banner: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_read_until_banner, args=(process.stdout, lines), daemon=True)
    reader.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and len(banner) < 400:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if not line:
            break  # the server exited
        banner.append(line)
        if "running at" in line:
            break
    if process.poll() is not None or not any("running at" in line for line in banner):
        process.kill()
        pytest.fail("the local stack did not start:\n" + "".join(banner[-40:]))
    assert f"http://127.0.0.1:{port}" in "".join(banner)
    reader.join(timeout=5)  # it stops at the banner; from here `cat` drains the pipe
    # Keep draining output so the server never blocks on a full pipe; E2E_SERVER_LOG keeps it.
    kept = os.environ.get("E2E_SERVER_LOG")
    sink = open(kept, "a", encoding="utf-8") if kept else subprocess.DEVNULL  # noqa: SIM115
    drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=sink)
    running = RunningStack(f"http://127.0.0.1:{port}", "e2e-admin-token", outbox, process)
    yield running
    try:
        # Every email the stack sent, read back: no MIME defects, calendars valid to RFC 5546.
        seen = Seen()
        sent = sorted(outbox.glob("*.eml"))  # the name starts with the time it was sent
        assert sent, "the end-to-end tests sent no email at all"
        for path in sent:
            check_message(path.read_bytes(), seen)
    finally:
        # Stopped whatever the checks found: a failed check must not leave the stack running.
        process.terminate()
        try:
            process.wait(timeout=20)
        finally:
            drain.kill()
    assert process.returncode == 0, "the stack did not stop cleanly on SIGTERM"


SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per browser test file (tests/support/chromium.py)."""
    executable = chromium_executable()
    if executable is None:
        pytest.fail(NOT_INSTALLED)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium(executable) as browser:
        yield browser
