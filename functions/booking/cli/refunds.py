"""``course-booking refund``: the console's Refund action from the terminal. A booking cancelled
without a refund keeps what was paid; this gives it back in full through Stripe, said in the
console's words (how much, and who was emailed)."""

from __future__ import annotations

import argparse
from typing import Any

from booking.cli.client import application_path, get_json, post_json
from booking.domain.wording import money_words

HELP = "refund a booking cancelled without a refund, through Stripe"


def add_command(commands: Any) -> None:
    refund = commands.add_parser("refund", help=HELP, description=f"{HELP[0].upper()}{HELP[1:]}.")
    refund.add_argument("application", help="the application's reference or id")


def refund(args: argparse.Namespace, url: str, token: str | None) -> str:
    """ "CL-7K3Q9: £75.00 is being refunded through Stripe. The applicant has been emailed."
    (or, refunded already, how much and that nothing changed). Refused in the API's words
    (nothing paid, not cancelled)."""
    path = application_path(url, args.application)
    before = get_json(path, token)
    post_json(f"{path}/refund", token, {})
    after = get_json(path, token)
    named = after["reference"] or after["application_id"]
    back = after["amount_refunded"] - before["amount_refunded"]
    # Who was told, as the console says it: nobody, when the person cannot be emailed.
    reason = after.get("not_emailed_because")
    if back <= 0:
        return f"{named}: {_refunded_already(after, reason)}"
    told = f"Nobody was emailed: {reason}." if reason else "The applicant has been emailed."
    return (
        f"{named}: {money_words(back, after['currency'])} is being refunded through Stripe. {told}"
    )


def _refunded_already(application: dict[str, Any], reason: str | None) -> str:
    """Refunded before this command: by the cancellation with a refund, by this Refund asked
    earlier, or in Stripe's own dashboard (whose refund reached us as Stripe's event). The
    answer cannot tell which, so it says
    what holds either way: how much went back through Stripe, and that the person was told of
    it once (by that refund's email), never that this command asked or emailed before."""
    money = money_words(application["amount_refunded"], application["currency"])
    told = (
        f"nobody was emailed: {reason}"
        if reason
        else "the applicant was told of it once, when it was made"
    )
    return (
        f"It was refunded already ({money}: by the cancellation with a refund, a Refund asked "
        f"earlier, or Stripe's dashboard), and {told}. Nothing changed this time."
    )
