"""`make run` told to listen where it cannot: a port another program holds, or a PORT that is
no port number. It says so in a line of words and exits 1 at once, starting nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.local_stack import _OWN_SETTINGS, ROOT


def _started(tmp_path: Path, port: str) -> subprocess.CompletedProcess[str]:
    """The stack as `make run` starts it, with ``port`` as its PORT."""
    env = {**os.environ, "PORT": port, "OUTBOX_DIR": str(tmp_path / "outbox")}
    for name in _OWN_SETTINGS:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "infra.local.server"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_port_in_use_is_said_in_words(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = _started(tmp_path, str(port))
    assert ran.returncode == 1
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.stderr.strip() == (
        f"The local stack did not start: port {port} is in use already (another `make run`?): "
        "stop what uses it, or choose another port with PORT=..."
    )
    assert ran.stdout == ""  # no URL or token printed for a stack that is not there


@pytest.mark.parametrize("port", ["abc", "70000", "-1"])
def test_a_port_that_is_no_port_number_is_said_in_words(tmp_path: Path, port: str) -> None:
    ran = _started(tmp_path, port)
    assert ran.returncode == 1
    assert ran.stderr.strip() == (
        "The local stack did not start: PORT must be a port number from 1 to 65535, like 8000, "
        f"not '{port}'"
    )
