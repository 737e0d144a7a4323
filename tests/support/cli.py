"""The organiser CLI over the in-process system (``tests/support/system.py``): its requests go
to the same front as ``make run``'s, without sockets, and what it prints is kept."""

from __future__ import annotations

import io
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from booking import cli
from infra.local.front import in_process_opener
from tests.support.system import ADMIN_TOKEN, BASE_URL, System


@dataclass(frozen=True)
class Ran:
    status: int  # the exit status
    out: str
    err: str


class _Answer(io.BytesIO):
    status = 200


def connect(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    """``urllib`` answers the CLI from ``system``'s front (the CLI only ever calls urlopen)."""
    opener = in_process_opener(system.front)

    def urlopen(request: urllib.request.Request, timeout: float | None = None) -> Any:
        body = opener(request, timeout)
        system.relay()
        return _Answer(body.getvalue())

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def run(capsys: pytest.CaptureFixture[str], *argv: str, signed: bool = True) -> Ran:
    """``course-booking --url ... --token ... argv`` as an organiser types it."""
    given = ["--url", BASE_URL, *(["--token", ADMIN_TOKEN] if signed else []), *argv]
    capsys.readouterr()
    try:
        status = cli.main(given)
    except SystemExit as stopped:  # argparse's usage errors
        status = int(stopped.code or 0)
    said = capsys.readouterr()
    return Ran(status, said.out, said.err)


def at_the_terminal(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str]]:
    """``course-booking ARGS`` over ``system``'s front, signed with the organiser token: its
    exit status and all it printed (out and err together)."""
    connect(system, monkeypatch)

    def course_booking(*argv: str) -> tuple[int, str]:
        ran = run(capsys, *argv)
        return ran.status, ran.out + ran.err

    return course_booking


def done_with_billing(
    course_booking: Callable[..., tuple[int, str]],
    command: str,
    application: Mapping[str, Any],
    billing: Mapping[str, str],
) -> None:
    """``course-booking COMMAND REFERENCE`` given each of ``billing``'s details as its option
    (the postal address's line breaks as a shell passes them, ``\\n``), which must succeed and
    begin its answer with the application's reference."""
    code, said = course_booking(
        command,
        application["reference"],
        "--billing-name",
        billing["billing_name"],
        "--billing-email",
        billing["billing_email"],
        "--billing-address",
        billing["billing_address"].replace("\n", "\\n"),
        "--po-number",
        billing["po_number"],
    )
    assert code == 0, said
    assert said.startswith(f"{application['reference']}: "), said
