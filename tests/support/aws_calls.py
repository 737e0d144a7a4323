"""pytest plugin: record the AWS calls the functions make (infra/local/aws_calls.py).

On when ``RECORD_AWS_CALLS`` names a directory (``make test`` sets it for its first run); every
xdist worker then writes its own file there, and the end-to-end stack (a subprocess that inherits
the variable) writes its own. The recorded-calls IAM check reads them in a second run: a session
that is still recording cannot check, so there the check is deselected and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra.local import aws_calls

CHECK_MARKER = "recorded_calls"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{CHECK_MARKER}: checks the AWS calls recorded by an earlier run"
    )
    directory = os.environ.get(aws_calls.RECORD_ENV)
    if directory:
        aws_calls.install(Path(directory))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get(aws_calls.RECORD_ENV):
        return
    waiting = [item for item in items if item.get_closest_marker(CHECK_MARKER)]
    if waiting:
        # The calls are still being recorded by this very session: the check runs next.
        config.hook.pytest_deselected(items=waiting)
        items[:] = [item for item in items if not item.get_closest_marker(CHECK_MARKER)]
