"""The command line read: each command and its options, every value read by a reader that says
what to give when it is wrong, and no token ever repeated back in a usage error."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

from booking.cli import correction, given_back, groups, received, refunds, register
from booking.cli.errors import UsageError
from booking.domain.errors import InvalidInput
from booking.domain.money import typed_amount, typed_pounds
from booking.domain.time_words import written_as_day

# What ``--help`` says the program is (the first line of :mod:`booking.cli`'s docstring).
DESCRIPTION = "``course-booking``: the organisers' console from a terminal."

# A bearer token as RFC 6750 writes one (a Cognito JWT, make run's letters and digits): any
# other character (a space, a line break pasted with it) is refused before it is sent, and the
# token is never repeated back: it is a secret, and a terminal's scrollback is not.
_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")

# Each option's value is read by one of these, which say what to give in words when it is
# wrong: argparse's own readers (int, float) would say "invalid int value", or name the
# function ("invalid _time value").
_A_TIME = "give a time with its offset, like 2027-06-06T15:10Z"


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(_A_TIME) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(_A_TIME)
    return moment


def _day(text: str) -> date:
    """A calendar day as the API documents it (a code's last day): never a time, never
    day-first or month-first guessed."""
    try:
        if written_as_day(text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("give the day as YYYY-MM-DD, like 2027-05-31")


def _whole_number(text: str) -> int:
    if not text.strip().isascii() or not text.strip().isdigit() or len(text.strip()) > 9:
        raise argparse.ArgumentTypeError("give a whole number, like 20")
    return int(text)


def _percent(text: str) -> float:
    """A percentage off: above 0, at most 100, in plain digits (never ``1e400``, ``nan``)."""
    typed = text.strip().removesuffix("%")
    whole, _, fraction = typed.partition(".")
    if not (whole + fraction).isascii() or not (whole + fraction).isdigit() or len(whole) > 3:
        raise argparse.ArgumentTypeError("give a percentage above 0 and at most 100, like 50")
    percent = float(typed)
    if not 0 < percent <= 100:
        raise argparse.ArgumentTypeError("give a percentage above 0 and at most 100, like 50")
    return percent


def _any_pounds(text: str) -> int:
    """Pounds of any size (``typed_pounds``), for a use case that says its own bound: the
    bursary's is the place's price, said by the API as the console says it."""
    return _pounds(text, bounded=False)


def _pounds(text: str, *, bounded: bool = True) -> int:
    """Pounds typed on the command line, read as the console reads them (``typed_amount``;
    not ``bounded``: ``_any_pounds``)."""
    try:
        return (typed_amount if bounded else typed_pounds)(text, "amount")
    except InvalidInput as wrong:
        # The parser's words are for a form ("Enter the amount ..."); a command asks to be given.
        reason = wrong.fields["amount"].removeprefix("Enter ")
        raise argparse.ArgumentTypeError(f"give {reason}") from None


APPLICATION_VERBS = {
    # verb: (the /admin action, what it does)
    "approve": ("approve", "offer a place to an application pending review"),
    "decline": ("decline", "decline an application pending review"),
    "cancel": ("cancel", "cancel a booking or an application"),
    "resend": ("resend-confirmation", "email a booking's confirmation again"),
    "resend-invoice": ("invoice/resend", "have Stripe send an open invoice again"),
    "void-invoice": ("invoice/void", "void an open invoice (the place goes back)"),
    "record-payment": (
        "invoice/paid-outside-stripe",
        "record an open invoice as paid outside Stripe (a bank transfer, a cheque): the booking "
        "is confirmed, and Stripe can refund nothing of it",
    ),
}


class _ArgumentsRefused(Exception):
    def __init__(self, usage: str, message: str) -> None:
        super().__init__(message)
        self.usage = usage
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse's parser (and each command's, of the same class), whose usage errors are
    raised to be said by :func:`parse_arguments`, with any secret in them hidden, rather than
    printed as they are ("unrecognized arguments: --token=..." would show the token)."""

    def error(self, message: str) -> NoReturn:
        raise _ArgumentsRefused(self.format_usage(), f"{self.prog}: error: {message}")


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """``--url`` and ``--token``: before the command (with their defaults) or after it (where
    an option given overrides, and one not given leaves the default alone)."""
    parser.add_argument(
        "--url",
        default=os.environ.get("BOOKING_URL") if defaults else argparse.SUPPRESS,
        help="API base URL (default $BOOKING_URL)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("BOOKING_TOKEN") if defaults else argparse.SUPPRESS,
        help="organiser bearer token (default $BOOKING_TOKEN)",
    )


def _parser() -> argparse.ArgumentParser:
    # No abbreviations: what an option is (and so which value is a secret) is what was typed.
    parser = _Parser(prog="course-booking", description=DESCRIPTION, allow_abbrev=False)
    _global_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", required=True)
    _commands(commands)
    for command in commands.choices.values():
        command.allow_abbrev = False
        _global_options(command, defaults=False)
        _no_blank_names(command)
    return parser


def _no_blank_names(command: argparse.ArgumentParser) -> None:
    """Every name a command is given (a reference, a course's id, an email, a code) is refused
    when blank, in words, before any request: an empty one would ask for the path's parent
    ("no such resource"), or for a thing of no name."""
    for action in command._actions:
        if not action.option_strings and action.type is None and action.nargs is None:
            told = action.help or ""
            what = told if told.startswith("the ") else f"the {action.dest.replace('_', ' ')}"
            action.type = Named(what)


class Named:
    """The reader of a name given to a command: any text but a blank one, refused in words."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"give {self.what}; it was left empty")
        return text


def _commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    commands.add_parser("courses", help="every course: dates, status, places, price")
    show = commands.add_parser("course", help="one course: sessions, places and money")
    show.add_argument("course_id")
    load = commands.add_parser("load-course", help="create or replace a course from a file")
    load.add_argument("file", type=Path)
    load.add_argument("--id", dest="course_id", help="course id (default: the file name)")
    listing = commands.add_parser("roster", help="every application of a course")
    listing.add_argument("course_id")
    shape = listing.add_mutually_exclusive_group()
    shape.add_argument("--csv", action="store_true", help="CSV in people's words, for sheets")
    shape.add_argument("--json", action="store_true", help="the machine-readable export")
    for verb, (_, helped) in APPLICATION_VERBS.items():
        command = commands.add_parser(verb, help=helped)
        command.add_argument("application", help="the application's reference or id")
        if verb == "decline":
            command.add_argument("--message", help="your words to the applicant (emailed)")
        if verb == "cancel":
            command.add_argument("--refund", action="store_true", help="refund through Stripe")
        if verb == "record-payment":
            received.add_options(command)  # when and how it came, each optional
    correction.add_command(commands)  # a corrected invoice, the place kept
    refunds.add_command(commands)  # the console's Refund: a cancellation's kept money back
    given_back.add_command(commands, _pounds)  # money paid outside Stripe, given back by hand
    fund = commands.add_parser("bursary", help="fund a place, in full or in part")
    fund.add_argument("application", help="the application's reference or id")
    # Out of range, the bursary's own bound is said: the place's price.
    fund.add_argument(
        "amount",
        type=_any_pounds,
        help="in pounds; the whole price: a funded place",
    )
    _money_commands(commands)
    _people_commands(commands)
    register.add_commands(commands)
    groups.add_commands(commands)


def _money_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """Discount codes, one application, a course's money."""
    code = commands.add_parser("discount-code", help="make a discount code for a course")
    code.add_argument("course_id")
    code.add_argument("code")
    kind = code.add_mutually_exclusive_group(required=True)
    kind.add_argument("--percent-off", type=_percent, help="above 0, at most 100")
    kind.add_argument("--amount-off", type=_pounds, help="in pounds")
    code.add_argument("--max-uses", type=_whole_number)
    ends = code.add_mutually_exclusive_group()
    ends.add_argument(
        "--last-day",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the last day it works: until 23:59 that day, the course's time (the console's "
        "Last day it works)",
    )
    ends.add_argument("--expires-at", type=_time, help="with its offset, like 2027-06-06T15:10Z")
    listed = commands.add_parser("codes", help="a course's discount codes, with uses left")
    listed.add_argument("course_id")
    expire = commands.add_parser("expire-code", help="expire a discount code now")
    expire.add_argument("course_id")
    expire.add_argument("code")
    one = commands.add_parser("application", help="one application: status, answers, money")
    one.add_argument("application", help="the application's reference or id")
    for answered in (code, listed, expire, one):
        answered.add_argument("--json", action="store_true", help="the API's answer, in pence")
    money = commands.add_parser("totals", help="a course's money: paid, refunded, due, funded")
    money.add_argument("course_id")
    money.add_argument("--json", action="store_true", help="the API's figures, in pence")


def _people_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """A person's data, a booking's move, the reminder run."""
    export_person = commands.add_parser("export", help="everything held about a person (JSON)")
    export_person.add_argument("email")
    erase = commands.add_parser("erase", help="erase a person's data (cannot be undone)")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="confirm: erase it now")
    move = commands.add_parser(
        "transfer", help="move a booking to another cohort (without --to: the cohorts)"
    )
    move.add_argument("application", help="the application's reference or id")
    move.add_argument("--to", dest="to_course_id", help="the course id of the cohort to move to")
    move.add_argument(
        "--withdraw",
        action="store_true",
        help="withdraw a move that waits (for a dearer cohort's difference, or on a full "
        "cohort's waiting list)",
    )
    move.add_argument(
        "--wait",
        action="store_true",
        help="with --to a full cohort: join its waiting list, keeping the seat here until a "
        "place frees there",
    )
    for name, what, answer in _BACKFILLS:
        backfill = commands.add_parser(name, help=f"{what} (safe to run again)")
        backfill.add_argument("--json", action="store_true", help=answer)
    _schedule_command(commands)


# What run-reminders does, said once for its --help (the README says the same).
RUN_SCHEDULE_SAYS = (
    "Run the whole schedule as of a time, as the every-15-minutes run does: reminders and "
    "follow-up invitations due, unpaid holds, offers and invoices whose time is up released "
    "(their places offered to the waiting list), and a group's places nobody applied for "
    "released at the apply-by date and refunded. Not only reminders."
)
RUN_AT_SAYS = (
    "the time the run acts as of (default: this minute), with its offset. With --url of a "
    "local stack (make run): the stack's clock moves to it for this run, so a later day runs "
    "as if it had come. With --function of a deployed stage: a time that has come (a late "
    "run, such as a missed tick); the function refuses a later one and does nothing."
)


def _schedule_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    tick = commands.add_parser(
        "run-reminders",
        help="run the whole schedule as of a time (reminders, lapsed holds, released places)",
        description=RUN_SCHEDULE_SAYS,
    )
    # The minute, as the scheduler's own ticks: a deployed function whose clock is a moment
    # behind this machine's must not refuse a run for "now".
    this_minute = datetime.now(UTC).replace(second=0, microsecond=0)
    tick.add_argument("--at", type=_time, default=this_minute, help=RUN_AT_SAYS)
    tick.add_argument("--function", help="deployed reminders function name (uses AWS creds)")
    tick.add_argument("--json", action="store_true", help="the run's answer as JSON")


def _options_with_values(parser: argparse.ArgumentParser) -> set[str]:
    """Every ``--option`` (in any command) that takes a value."""
    found: set[str] = set()
    # argparse keeps its actions in a private list; reading it is the only way to ask.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found |= _options_with_values(command)
        elif action.nargs != 0:
            found.update(name for name in action.option_strings if name.startswith("--"))
    return found


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """argparse takes a value that starts with ``-`` (a token, a message) for another option:
    ``--token -FF1`` is joined into ``--token=-FF1`` first, which it reads as meant. A usage
    error is said as argparse says it (exit status 2), with any token in it hidden."""
    parser = _parser()
    options = _options_with_values(parser)
    joined: list[str] = []
    words = iter(argv)
    for word in words:
        value = next(words, None) if word in options else None
        joined.append(f"{word}={value}" if value is not None else word)
    try:
        return parser.parse_args(joined)
    except _ArgumentsRefused as refused:
        hidden = secrets_in(argv)
        sys.stderr.write(hiding(refused.usage, hidden) + hiding(refused.message, hidden) + "\n")
        raise SystemExit(UsageError.exit_status) from None


def secrets_in(argv: Sequence[str]) -> list[str]:
    """The tokens in the command line and the environment: never repeated back."""
    found = [os.environ.get("BOOKING_TOKEN") or ""]
    for word, following in zip(argv, [*argv[1:], ""], strict=True):
        if word == "--token":
            found.append(following)
        elif word.startswith("--token="):
            found.append(word.removeprefix("--token="))
    return [secret for secret in found if len(secret.strip()) >= 4]


def hiding(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        # As typed, and as Python writes it in a message (b'Bearer ab\\ncd').
        for form in {secret, repr(secret)[1:-1], secret.strip()}:
            text = text.replace(form, "[the token]")
    return text


def need(value: str | None, flag: str, variable: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"{flag} is required (or set {variable})")
    return value.strip().rstrip("/")


def checked_token(token: str | None) -> str | None:
    """The token as given, spaces around it dropped; one with any other character in it (a
    line break pasted with it) is refused without being shown."""
    if token is None or not token.strip():
        return None
    if not _TOKEN.fullmatch(token.strip()):
        raise UsageError(
            "the token has a character no token has (a space or a line break, perhaps pasted "
            "with it); copy it again (it is not shown here)"
        )
    return token.strip()


# The operator's backfills: each a command, what it writes and what --json prints.
_BACKFILLS = (
    (
        "backfill-billing-index",
        "write the billing-contact lookups of applications saved before they were kept",
        "each course's answer, as JSON",
    ),
    (
        "backfill-code-uses",
        "give back the discount code uses applications that expired before uses were "
        "given back on expiry still hold",
        "each course's answer, as JSON",
    ),
    (
        "backfill-former-contacts",
        "record the billing contacts invoices were corrected away from before they were "
        "kept, as Stripe holds them",
        "each course's answer, as JSON",
    ),
    (
        "backfill-refunds-failed",
        "keep on each booking the refund failures Stripe told before they were kept there",
        "the API's answer, as JSON",
    ),
)
