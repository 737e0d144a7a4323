"""Tokens and commands that work first time: a generated token is safe on any command line,
and the CLI reads an option's value however it starts, in pounds where money is typed."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from booking.cli import parse_arguments
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
        parse_arguments(["bursary", "CL-7K3Q9", typed])
    assert reason in capsys.readouterr().err


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


def test_every_typed_option_is_read_by_a_reader_that_says_what_to_give() -> None:
    """No option takes argparse's ``int`` or ``float`` (or any reader that is not ours)."""
    from booking import cli

    ours = {cli._time, cli._whole_number, cli._percent, cli._pounds, Path}
    parser = cli._parser()
    actions = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            actions += [a for command in action.choices.values() for a in command._actions]
    typed = {action.type for action in actions if action.type is not None}
    assert typed <= ours, typed - ours
