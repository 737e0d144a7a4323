"""End-to-end: the real `make run` stack in a subprocess, on a free port, driven over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.support.chromium import NOT_INSTALLED, chromium_executable, launched_chromium
from tests.support.local_stack import RunningStack, running_stack
from tests.support.mail_checks import Seen, check_message

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["SCREENSHOTS", "RunningStack"]  # the tests' own names for what they are given


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    outbox = tmp_path_factory.mktemp("outbox")
    # A stack that does not start raises StackDidNotStart with its last lines: every test that
    # uses it errors with them. E2E_SERVER_LOG keeps the server's output.
    log_path = os.environ.get("E2E_SERVER_LOG")
    with running_stack(outbox, "e2e-admin-token", log_path=log_path) as running:
        yield running
        # Every email the stack sent, read back: no MIME defects, calendars valid to RFC 5546.
        # Inside the block: a failed check still stops the stack.
        seen = Seen()
        sent = sorted(outbox.glob("*.eml"))  # the name starts with the time it was sent
        assert sent, "the end-to-end tests sent no email at all"
        for path in sent:
            check_message(path.read_bytes(), seen)
    assert running.process.returncode == 0, "the stack did not stop cleanly on SIGTERM"


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
