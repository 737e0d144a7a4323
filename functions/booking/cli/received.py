"""How a payment received outside Stripe came, on the command line (``record-payment``,
``record-group-payment``): the same optional fields the organisers' API and the console take
(``domain.payment_received``), checked by the API, which says what is wrong in words."""

from __future__ import annotations

import argparse
from typing import Any

METHODS = ("bank_transfer", "cheque", "cash", "other")


def add_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--received-on",
        metavar="YYYY-MM-DD",
        help="the day the money arrived (not in the future, not before the invoice was sent)",
    )
    command.add_argument("--method", choices=METHODS, help="how it was paid")
    command.add_argument(
        "--reference", help="the bank's reference for it, one line, up to 60 characters"
    )


def body(args: argparse.Namespace) -> dict[str, Any]:
    """The fields given (none: the API's body is empty, as before)."""
    given = {"received_on": args.received_on, "method": args.method, "reference": args.reference}
    return {name: value for name, value in given.items() if value is not None}
