"""How a payment received outside Stripe came, on the command line (``record-payment``,
``record-group-payment``): the same optional fields the organisers' API and the console take
(``domain.payment_received``), checked by the API, which says what is wrong in words."""

from __future__ import annotations

import argparse
from typing import Any

METHODS = ("bank_transfer", "cheque", "cash", "other")
METHODS_SHOWN = "|".join(METHODS)
_A_WAY = "give the way as bank_transfer, cheque, cash or other"


def way(text: str) -> str:
    """How money came or went back, as typed (``Bank transfer`` and ``bank-transfer`` read as
    ``bank_transfer``); any other way is refused in words that name the ways taken, never with
    argparse's "invalid choice"."""
    typed = "_".join(text.strip().lower().replace("-", " ").split())
    if typed not in METHODS:
        raise argparse.ArgumentTypeError(_A_WAY)
    return typed


# What a request recording a payment did (the API's ``recorded``), one person's or a group's:
# a second run records nothing, and its details are not kept, so it must not read as recorded.
RECORDED_SAID = {
    "now": "Payment recorded: Stripe holds the invoice{amount} as paid outside Stripe.",
    "before": "Nothing recorded: the invoice was recorded as paid outside Stripe already, with "
    "the details of the first run that gave any.",
    "paid_at_stripe": "Nothing recorded: its payer paid the invoice at Stripe.",
}


def recorded_said(answer: dict[str, Any], amount: str) -> str:
    """The first words of a payment's recording, by what the request did; one recorded now
    says the invoice's ``amount`` (in words: "£400.00"), which an invoice replaced since the
    operator last looked (a place given up, a bursary) makes other than the money that came."""
    said = RECORDED_SAID[answer.get("recorded", "now")]
    return said.format(amount=f" for {amount}" if amount else "")


def add_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--received-on",
        metavar="YYYY-MM-DD",
        help="the day the money arrived (not in the future, not before the invoice was sent)",
    )
    command.add_argument("--method", type=way, metavar=METHODS_SHOWN, help="how it was paid")
    command.add_argument(
        "--reference", help="the bank's reference for it, one line, up to 60 characters"
    )


def body(args: argparse.Namespace) -> dict[str, Any]:
    """The fields given (none: the API's body is empty, as before)."""
    given = {"received_on": args.received_on, "method": args.method, "reference": args.reference}
    return {name: value for name, value in given.items() if value is not None}
