"""README's background recipe: `setsid make run > run.log 2>&1 &` from a shell with job control,
then the command the stack printed at the top of its log stops the whole group cleanly.

With job control on (any interactive terminal) `$!` is not the new group's id (the job already
leads a group, so `setsid` forks), which is why the stack prints its own."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from infra.local.server import free_port
from tests.support.local_stack import _OWN_SETTINGS, ROOT, STARTUP_SECONDS, STOP_SECONDS

STOP_LINE = re.compile(r"kill -TERM -- -(\d+)\)")


def _wait_for(log: Path, found: re.Pattern[str], seconds: float) -> str:
    """The log once ``found`` is in it; fails with its end after ``seconds``."""
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        if found.search(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{found.pattern!r} not in the log after {seconds} s:\n{text[-2000:]}")


def test_the_printed_group_id_stops_the_stack_started_in_the_background(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "ADMIN_TOKEN": "background-token",
        "PYTHONUNBUFFERED": "1",
    }
    for name in _OWN_SETTINGS:
        env.pop(name, None)
    # `set -m`: job control, as in a terminal. The server stands for `make run` (which runs it).
    started = subprocess.run(
        [
            "bash",
            "-c",
            f"set -m; setsid {sys.executable} -m infra.local.server > {log} 2>&1 & echo $!",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert started.stdout.strip().isdigit()
    text = _wait_for(log, STOP_LINE, STARTUP_SECONDS)
    match = STOP_LINE.search(text)
    assert match is not None
    group = int(match.group(1))
    try:
        assert "admin token: background-token" in text
        os.killpg(group, signal.SIGTERM)
        _wait_for(log, re.compile("Stopped after"), STOP_SECONDS)
        assert _gone(group, STOP_SECONDS), f"process group {group} still has members"
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)  # never leave a stack running behind a failure
        raise


def _gone(group: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False
