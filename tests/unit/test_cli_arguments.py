"""Tokens and commands that work first time: a generated token is safe on any command line,
and the CLI reads an option's value however it starts, in pounds where money is typed."""

from __future__ import annotations

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
