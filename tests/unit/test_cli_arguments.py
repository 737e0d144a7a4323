"""Tokens and commands that work first time: a generated token is safe on any command line,
and the CLI reads an option's value however it starts, in pounds where money is typed."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from booking.cli import received
from booking.cli.arguments import parse_arguments
from infra.local.server import organiser_token


def test_a_generated_organiser_token_never_starts_with_a_dash() -> None:
    tokens = {organiser_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in tokens:
        assert token.isalnum()
        assert len(token) == 32


@pytest.mark.parametrize(
    "argv",
    [
        ["--token", "-FF1xyz", "courses"],
        ["--token=-FF1xyz", "courses"],
    ],
)
def test_the_token_is_read_with_or_without_an_equals_sign(argv: list[str]) -> None:
    assert parse_arguments(argv).token == "-FF1xyz"


def test_every_option_takes_a_value_that_starts_with_a_dash() -> None:
    args = parse_arguments(
        ["--url", "http://x", "decline", "CL-7K3Q9", "--message", "-- not this time"]
    )
    assert (args.url, args.application, args.message) == (
        "http://x",
        "CL-7K3Q9",
        "-- not this time",
    )


def test_money_is_typed_in_pounds() -> None:
    assert parse_arguments(["bursary", "CL-7K3Q9", "£75.50"]).amount == 7550
    assert parse_arguments(["bursary", "CL-7K3Q9", "200"]).amount == 20000
    code = parse_arguments(["discount-code", "c1", "TENOFF", "--amount-off", "10.00"])
    assert code.amount_off == 1000
    with pytest.raises(SystemExit):
        parse_arguments(["bursary", "CL-7K3Q9", "12.345"])


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1e30", "give the amount in pounds, like 200 or 200.00"),
        ("2_00", "give the amount in pounds, like 200 or 200.00"),
        ("\u0662\u0660\u0660", "give the amount in pounds, like 200 or 200.00"),
        ("12.345", "give the amount with at most two decimal places"),
        ("-5", "give the amount above zero"),
        ("0", "give the amount above zero and at most £100,000.00"),
        ("100000.01", "give the amount above zero and at most £100,000.00"),
        ("9" * 20, "give the amount above zero and at most £100,000.00"),
    ],
)
def test_the_cli_reads_pounds_as_the_console_does(
    typed: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One reading of typed money (``domain.money.typed_amount``): what a console form refuses,
    the CLI refuses too, with the same reason."""
    with pytest.raises(SystemExit):
        parse_arguments(["discount-code", "course-1", "HALF", f"--amount-off={typed}"])
    assert reason in capsys.readouterr().err


@pytest.mark.parametrize(("typed", "pence"), [("0", 0), ("-5", -1), ("100000.01", 10000001)])
def test_a_bursary_out_of_range_is_left_to_the_grant_which_says_the_places_price(
    typed: str, pence: int
) -> None:
    """The bursary's bound is the place's price, which only the grant knows: any size of
    amount is read, and the API refuses it in those words."""
    assert parse_arguments(["bursary", "CL-7K3Q9", "--", typed]).amount == pence


_GIVEN = ["--amount", "20", "--on", "2027-03-01", "--how"]
_GIVE_BACK = ["give-back", "CL-7K3Q9", *_GIVEN]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["run-reminders", "--at", "yesterday"], "give a time with its offset"),
        (["run-reminders", "--at", "2027-06-06T15:10"], "give a time with its offset"),
        (["discount-code", "c1", "HALF", "--percent-off", "half"], "give a percentage"),
        (["discount-code", "c1", "HALF", "--percent-off", "1e400"], "give a percentage"),
        (["discount-code", "c1", "HALF", "--percent-off", "nan"], "give a percentage"),
        (["discount-code", "c1", "HALF", "--percent-off", "0"], "give a percentage"),
        (["discount-code", "c1", "HALF", "--percent-off", "50", "--max-uses", "x"], "whole"),
        (["discount-code", "c1", "HALF", "--percent-off", "50", "--expires-at", "x"], "a time"),
        (["discount-code", "c1", "HALF", "--amount-off", "1e28"], "in pounds"),
        (["bursary", "CL-7K3Q9", "1e400"], "in pounds"),
        ([*_GIVE_BACK, "paypal"], "give the way as bank_transfer, cheque, cash or other"),
        (["give-back-group", "g1", *_GIVEN, "paypal"], "bank_transfer, cheque, cash or"),
        (["record-payment", "CL-7K3Q9", "--method", "paypal"], "bank_transfer, cheque, cash"),
    ],
)
def test_a_mistyped_value_is_refused_in_words_never_argparse_s(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's own readers say "invalid int value" or name our function ("invalid
    _parse_time value"): every option is read by one that says what to give."""
    with pytest.raises(SystemExit) as stopped:
        parse_arguments(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert says in err
    assert "invalid" not in err, err
    assert " value:" not in err, err
    assert "choice" not in err, err


@pytest.mark.parametrize("typed", ["cheque", "Bank transfer", "bank-transfer", " CASH "])
def test_the_way_money_went_back_is_read_as_typed(typed: str) -> None:
    args = parse_arguments([*_GIVE_BACK, typed])
    assert args.how == typed.strip().lower().replace(" ", "_").replace("-", "_")


def test_every_typed_option_is_read_by_a_reader_that_says_what_to_give() -> None:
    """No option takes argparse's ``int`` or ``float`` (or any reader that is not ours)."""
    from booking.cli import arguments

    ours = {
        arguments._time,
        arguments._day,
        arguments._whole_number,
        arguments._percent,
        arguments._pounds,
        arguments._any_pounds,
        Path,
    }
    ours.add(received.way)
    parser = arguments._parser()
    actions = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            actions += [a for command in action.choices.values() for a in command._actions]
    typed = {action.type for action in actions if action.type is not None}
    # argparse's ``choices`` says "invalid choice: 'paypal' (choose from ...)".
    chosen = [
        a.dest for a in actions if a.choices and not isinstance(a, argparse._SubParsersAction)
    ]
    assert not chosen, chosen
    # A name given to a command (a reference, a course's id) is read by ``Named``.
    typed = {reader for reader in typed if not isinstance(reader, arguments.Named)}
    assert typed <= ours, typed - ours


def test_every_command_the_parser_knows_is_sent_to_a_verb() -> None:
    """A command added to the parser without its verb would stop with an unexpected error."""
    from booking.cli import COMMANDS, arguments

    (commands,) = (
        action
        for action in arguments._parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    # run-reminders alone runs before --url is required (a deployed stage needs only --function).
    assert set(commands.choices) == {*COMMANDS, "run-reminders"}


# -- options anywhere, secrets never echoed, never a traceback ----------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["courses", "--token", "abc123"],
        ["roster", "c1", "--token=abc123", "--csv"],
        ["--url", "http://x", "approve", "CL-7K3Q9", "--token", "abc123"],
        ["--token", "abc123", "courses"],
    ],
)
def test_the_global_options_are_taken_before_or_after_the_command(argv: list[str]) -> None:
    assert parse_arguments(argv).token == "abc123"


def test_an_option_given_after_the_command_wins_and_one_not_given_keeps_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOOKING_URL", "http://from-the-environment")
    assert parse_arguments(["courses"]).url == "http://from-the-environment"
    assert parse_arguments(["--url", "http://before", "courses"]).url == "http://before"
    assert parse_arguments(["courses", "--url", "http://after"]).url == "http://after"


def test_a_usage_error_never_repeats_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    """A token pasted twice was echoed as an unrecognised argument."""
    secret = "S3cretOrganiserToken"
    with pytest.raises(SystemExit) as stopped:
        parse_arguments(["courses", "--token", secret, secret])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert "unrecognized arguments: [the token]" in err
    assert secret not in err


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    from booking.cli import main

    capsys.readouterr()
    status = main(["--url", "http://127.0.0.1:9", *argv])
    said = capsys.readouterr()
    assert said.out == ""
    assert "Traceback" not in said.err
    assert said.err.startswith("course-booking: ")
    return status, said.err


@pytest.mark.parametrize("token", ["abc\ndef-token", "abc def-token", "abc\x1bdef", "ab\u202edef"])
def test_a_token_no_token_can_be_is_refused_without_being_shown(
    token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = _main(capsys, "--token", token, "roster", "c1")
    assert status == 2
    assert "the token has a character no token has" in err
    for part in ("abc", "def", repr(token)[1:-1]):
        assert part not in err


def test_a_command_without_a_url_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from booking.cli import main

    monkeypatch.delenv("BOOKING_URL", raising=False)
    assert main(["courses"]) == 2
    assert capsys.readouterr().err == ("course-booking: --url is required (or set BOOKING_URL)\n")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"[" * 100_000, "nests too deeply to be a course definition"),
        (b"{" * 100_000, "is not JSON"),
        (b'{"title": ', "is not JSON: Expecting value at line 1, column 11"),
        (b"\xff\xfe{}", "is not text in UTF-8"),
        (b'{"capacity": 5, "capacity": 500}', "the field capacity is given twice"),  # K9
        (b" " * (1024 * 1024 + 1), "is too large to be a course definition"),
    ],
)
def test_a_file_that_is_no_course_definition_is_said_in_one_line(
    content: bytes, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "course.json"
    path.write_bytes(content)
    status, err = _main(capsys, "--token", "t0ken", "load-course", str(path))
    assert status == 1
    assert says in err
    assert err.count("\n") == 1


def test_a_missing_file_is_said_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = _main(capsys, "load-course", str(tmp_path / "nowhere.json"))
    assert status == 1
    assert (
        err
        == f"course-booking: cannot read {tmp_path / 'nowhere.json'}: No such file or directory\n"
    )


def test_whatever_goes_wrong_the_cli_shows_no_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from booking import cli

    def broken(url: str, token: str | None) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "list_courses", broken)
    status, err = _main(capsys, "courses")
    assert status == 1
    assert err == "course-booking: stopped by an unexpected error (RuntimeError)\n"
