"""``course-booking refund``: the console's Refund action from the terminal. A booking cancelled
without a refund keeps what was paid; this gives it back in full through Stripe, said in the
console's words (how much, and who was emailed)."""

from __future__ import annotations

import argparse
from typing import Any

from booking.cli.client import application_path, get_json, post_json
from booking.domain.wording import money_words

HELP = "refund a booking cancelled without a refund, through Stripe"
# The console's words for the same action sent again (``handlers.console_notices``).
ASKED_ALREADY = (
    "Its refund was asked of Stripe already. Nothing changed this time, and nobody was "
    "emailed again."
)


def add_command(commands: Any) -> None:
    refund = commands.add_parser("refund", help=HELP, description=f"{HELP[0].upper()}{HELP[1:]}.")
    refund.add_argument("application", help="the application's reference or id")


def refund(args: argparse.Namespace, url: str, token: str | None) -> str:
    """ "CL-7K3Q9: £75.00 is being refunded through Stripe. The applicant has been emailed."
    (or, asked already, that nothing changed). Refused in the API's words (nothing paid, not
    cancelled)."""
    path = application_path(url, args.application)
    before = get_json(path, token)
    post_json(f"{path}/refund", token, {})
    after = get_json(path, token)
    named = after["reference"] or after["application_id"]
    back = after["amount_refunded"] - before["amount_refunded"]
    if back <= 0:
        return f"{named}: {ASKED_ALREADY}"
    # Who was told, as the console says it: nobody, when the person cannot be emailed.
    reason = after.get("not_emailed_because")
    told = f"Nobody was emailed: {reason}." if reason else "The applicant has been emailed."
    return (
        f"{named}: {money_words(back, after['currency'])} is being refunded through Stripe. {told}"
    )
