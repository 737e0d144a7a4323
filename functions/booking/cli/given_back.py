"""``course-booking give-back``: the console's *Record money given back by hand* from the
terminal. A cancelled booking's payment received outside Stripe, sent back the way it came, is
recorded (amount in pounds, the day, the way), said in the console's words."""

from __future__ import annotations

import argparse
from typing import Any

from booking.cli.client import application_path, post_json
from booking.cli.received import METHODS
from booking.domain.wording import money_words

HELP = "record money paid outside Stripe as given back by hand (a cancelled booking's)"


def add_command(commands: Any, pounds: Any) -> None:
    """The command; ``pounds``: the parser of an amount typed in pounds (into pence)."""
    give = commands.add_parser("give-back", help=HELP, description=f"{HELP[0].upper()}{HELP[1:]}.")
    give.add_argument("application", help="the application's reference or id")
    give.add_argument("--amount", type=pounds, required=True, help="in pounds, like 200")
    give.add_argument(
        "--on",
        required=True,
        metavar="YYYY-MM-DD",
        help="the day it was given back (not in the future, not before the payment arrived)",
    )
    give.add_argument("--how", choices=METHODS, required=True, help="how it went back")


def give_back(args: argparse.Namespace, url: str, token: str | None) -> str:
    """ "CL-7K3Q9: £200.00 given back by hand, recorded: nothing left to give back." Refused in
    the API's words (not cancelled, more than is left, a day in the future)."""
    body = {"amount": args.amount, "given_on": args.on, "method": args.how}
    after = post_json(f"{application_path(url, args.application)}/given-back", token, body)
    named = after["reference"] or after["application_id"]
    currency = after["currency"]
    left = after["left_to_give_back"]
    rest = (
        "nothing left to give back"
        if left == 0
        else f"{money_words(left, currency)} still to give back"
    )
    return f"{named}: {money_words(args.amount, currency)} given back by hand, recorded: {rest}."
