"""``course-booking give-back`` and ``give-back-group``: the console's *Record money given back
by hand* from the terminal. A cancelled booking's payment received outside Stripe, or a group's
share owed back by hand for its places given up, sent back the way it came, is recorded (amount
in pounds, the day, the way), said in the console's words."""

from __future__ import annotations

import argparse
import hashlib
from typing import Any

from booking.cli.client import application_path, get_json, group_id_as_held, group_path, post_json
from booking.cli.received import METHODS_SHOWN, way
from booking.domain.wording import money_words

HELP = "record money paid outside Stripe as given back by hand (a cancelled booking's)"
GROUP_HELP = (
    "record a group booking's money owed back by hand (paid outside Stripe, for its places "
    "given up) as given back"
)


def add_command(commands: Any, pounds: Any) -> None:
    """The command; ``pounds``: the parser of an amount typed in pounds (into pence)."""
    give = commands.add_parser("give-back", help=HELP, description=f"{HELP[0].upper()}{HELP[1:]}.")
    give.add_argument("application", help="the application's reference or id")
    _money_options(give, pounds)
    group = commands.add_parser(
        "give-back-group",
        help=GROUP_HELP,
        description=f"{GROUP_HELP[0].upper()}{GROUP_HELP[1:]}.",
    )
    group.add_argument("group_id", help="as group-bookings shows it beside what is owed back")
    _money_options(group, pounds)


def _money_options(parser: Any, pounds: Any) -> None:
    """What was given back: the amount in pounds, the day and the way (a person's or a
    group's)."""
    parser.add_argument("--amount", type=pounds, required=True, help="in pounds, like 200")
    parser.add_argument(
        "--on",
        required=True,
        metavar="YYYY-MM-DD",
        help="the day it was given back (not in the future, not before the payment arrived)",
    )
    parser.add_argument(
        "--how", type=way, metavar=METHODS_SHOWN, required=True, help="how it went back"
    )


def give_back(args: argparse.Namespace, url: str, token: str | None) -> str:
    """ "CL-7K3Q9: £200.00 given back by hand, recorded: nothing left to give back." Refused in
    the API's words (not cancelled, more than is left, a day in the future)."""
    body = {"amount": args.amount, "given_on": args.on, "method": args.how}
    # Keyed by the application's id as the API holds it, not as typed: the same command run
    # again by its reference, in other letters' case, or by its id names the same record.
    found = get_json(application_path(url, args.application), token)
    path = f"{application_path(url, found['application_id'])}/given-back"
    after = post_json(path, token, body, key=_key(args, found["application_id"]))
    return _said(after["reference"] or after["application_id"], args.amount, after)


def give_back_group(args: argparse.Namespace, url: str, token: str | None) -> str:
    """ "St Elsewhere NHS Trust: £400.00 given back by hand, recorded: nothing left to give
    back." Refused in the API's words (nothing owed back by hand, more than is owed)."""
    body = {"amount": args.amount, "given_on": args.on, "method": args.how}
    # Keyed by the group's id as the API holds it, not as typed, so the same command run again
    # with it in capitals names the same record.
    after = post_json(
        f"{group_path(url, args.group_id)}/given-back",
        token,
        body,
        key=_key(args, group_id_as_held(args.group_id), "group"),
    )
    return _said(after["organisation"], args.amount, after)


def _said(named: str, amount_given: int, after: dict[str, Any]) -> str:
    currency = after["currency"]
    left = after["left_to_give_back"]
    rest = (
        "nothing left to give back"
        if left == 0
        else f"{money_words(left, currency)} still to give back"
    )
    amount = money_words(amount_given, currency)
    if after["recorded"] == "before":
        return (
            f"{named}: {amount} given back by hand was recorded already (this same command ran "
            f"before), nothing recorded again: {rest}."
        )
    return f"{named}: {amount} given back by hand, recorded: {rest}."


def _key(args: argparse.Namespace, named: str, what: str = "application") -> str:
    """The request's Idempotency-Key: the same command run again (its answer lost, say) names
    the same record, so the money is never recorded twice by a retry at the terminal."""
    said = f"{what}|{named}|{args.amount}|{args.on}|{args.how}"
    return f"cli-give-back-{what}-" + hashlib.sha256(said.encode()).hexdigest()[:32]
