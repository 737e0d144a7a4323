"""End-to-end: the real `make run` stack in a subprocess, on a free port, driven over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from infra.local.server import free_port
from tests.support.mail_checks import Seen, check_message

ROOT = Path(__file__).resolve().parents[2]


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
    # The server prints its URL once it is ready to serve; read until then (bounded).
    banner: list[str] = []
    for line in process.stdout:
        banner.append(line)
        if "running at" in line or len(banner) > 400:
            break
    if process.poll() is not None or not any("running at" in line for line in banner):
        process.kill()
        pytest.fail("the local stack did not start:\n" + "".join(banner[-40:]))
    assert f"http://127.0.0.1:{port}" in "".join(banner)
    # Keep draining output so the server never blocks on a full pipe.
    drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    running = RunningStack(f"http://127.0.0.1:{port}", "e2e-admin-token", outbox, process)
    yield running
    # Every email the stack sent, read back: no MIME defects, calendars valid to RFC 5546.
    seen = Seen()
    sent = sorted(outbox.glob("*.eml"))  # the name starts with the time it was sent
    assert sent, "the end-to-end tests sent no email at all"
    for path in sent:
        check_message(path.read_bytes(), seen)
    process.terminate()
    try:
        process.wait(timeout=20)
    finally:
        drain.kill()
    assert process.returncode == 0, "the stack did not stop cleanly on SIGTERM"
