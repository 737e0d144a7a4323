"""``correct-invoice``: an open invoice sent again to corrected billing details (``POST
/admin/applications/{id}/invoice/correct``): a new invoice for the same amount and
due day, the old one voided, the place kept. ``invoice-instead``: the employer invoiced
instead of the person's open card checkout (``POST /admin/applications/{id}/
invoice/instead-of-card``), the place kept. Every detail is given, as the invoice is to carry
it; the API checks them and says what is wrong in words."""

from __future__ import annotations

import argparse
from typing import Any

from booking.cli.people import application_action


def add_command(commands: Any) -> None:
    correct = commands.add_parser(
        "correct-invoice",
        help="send an open invoice again to corrected billing details (the old one voided, "
        "the place kept)",
    )
    _billing_options(correct)
    instead = commands.add_parser(
        "invoice-instead",
        help="invoice the employer instead of the person's open card checkout (the checkout "
        "closed, the place kept)",
    )
    _billing_options(instead)


def _billing_options(command: Any) -> None:
    command.add_argument("application", help="the application's reference or id")
    billing_options(command)


def billing_options(command: Any) -> None:
    """The billing details an invoice is to carry, every one given (a group's correction
    takes them too: ``cli.groups``)."""
    command.add_argument(
        "--billing-name", required=True, help="the organisation, as the invoice is addressed"
    )
    command.add_argument("--billing-email", required=True, help="where the invoice is sent")
    command.add_argument(
        "--billing-address", required=True, help="the postal address (lines split by \\n)"
    )
    command.add_argument("--po-number", default="", help="purchase order number (blank: none)")


def billing_of(args: argparse.Namespace) -> dict[str, str]:
    return {
        "billing_name": args.billing_name,
        "billing_email": args.billing_email,
        # A shell passes "\n" as two characters: lines typed so are lines on the invoice.
        "billing_address": args.billing_address.replace("\\n", "\n"),
        "po_number": args.po_number,
    }


def correct_invoice(args: argparse.Namespace, url: str, token: str | None) -> str:
    return application_action(url, token, "invoice/correct", args.application, billing_of(args))


def invoice_instead(args: argparse.Namespace, url: str, token: str | None) -> str:
    return application_action(
        url, token, "invoice/instead-of-card", args.application, billing_of(args)
    )
