"""The CLI as an organiser types it, over the in-process system: the global options after the
command, a wrong token refused without being repeated, money typed in pounds refused in words,
and never a traceback."""

from __future__ import annotations

import pytest

from tests.support import cli
from tests.support.system import ADMIN_TOKEN, COURSE_ID, System


def test_the_token_may_follow_the_command(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = terminal.apply().json()["reference"]
    ran = cli.run(capsys, "roster", COURSE_ID, "--token", ADMIN_TOKEN, signed=False)
    assert (ran.status, ran.err) == (0, "")
    assert reference in ran.out


def test_a_wrong_token_is_refused_and_never_repeated(
    terminal: System, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "NotTheOrganiserToken42"
    ran = cli.run(capsys, "roster", COURSE_ID, "--token", wrong, signed=False)
    assert ran.status == 1
    assert ran.err == "course-booking: a valid organiser token is required\n"
    pasted = cli.run(capsys, "roster", COURSE_ID, f"--token={ADMIN_TOKEN}\nrest", signed=False)
    assert pasted.status == 2
    assert ADMIN_TOKEN not in pasted.err
    assert "rest" not in pasted.err


@pytest.mark.parametrize(
    "argv",
    [
        ("bursary", "CL-22222", "1e400"),
        ("discount-code", COURSE_ID, "BIG", "--amount-off", "1e28"),
        ("discount-code", COURSE_ID, "BIG", "--percent-off", "1e400"),
    ],
)
def test_huge_numbers_are_a_usage_error_in_words(
    terminal: System, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    before = terminal.items()
    ran = cli.run(capsys, *argv)
    assert ran.status == 2
    assert "Traceback" not in ran.err
    assert "error: argument" in ran.err
    assert "give " in ran.err
    assert terminal.items() == before
