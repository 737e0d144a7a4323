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
