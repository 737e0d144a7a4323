"""``course-booking``: the organisers' console from a terminal.

Talks to the organiser API over HTTP, so the same commands work against ``make run`` and a
deployed stage. An application is named by its reference (``CL-7K3Q9``) or its id. Amounts are
typed and shown in pounds (``200``, ``£200.00``); statuses and times are said as the console
says them (``domain/wording.py``). ``--json`` gives what the API answered, for scripts.

    course-booking courses
    course-booking course compassionate-leadership-2027-06
    course-booking load-course courses/x.json --id compassionate-leadership-2028-06
    course-booking roster compassionate-leadership-2027-06 [--csv | --json]
    course-booking approve CL-7K3Q9
    course-booking decline CL-7K3Q9 --message "Please try the spring cohort"
    course-booking cancel CL-7K3Q9 --refund
    course-booking resend CL-7K3Q9
    course-booking bursary CL-7K3Q9 200              # pounds: a place funded in full
    course-booking resend-invoice CL-7K3Q9
    course-booking void-invoice CL-7K3Q9
    course-booking discount-code compassionate-leadership-2027-06 HALF --percent-off 50
    course-booking codes compassionate-leadership-2027-06          # each with its uses left
    course-booking expire-code compassionate-leadership-2027-06 HALF
    course-booking application CL-7K3Q9                             # one application
    course-booking totals compassionate-leadership-2027-06
    course-booking export ada@example.org > ada.json
    course-booking erase ada@example.org --yes
    course-booking run-reminders --at 2027-06-06T15:10:00Z
    course-booking --function Booking-dev-reminders run-reminders --at 2027-06-06T15:10:00Z

``--url``/``--token`` default to ``$BOOKING_URL`` and ``$BOOKING_TOKEN`` (for a deployed stage,
a Cognito access token with the ``booking/admin`` scope; see infra/DEPLOY.md), and may come
before or after the command. Every option takes its value as ``--token X`` or ``--token=X``,
whatever the value starts with. Whatever happens, one line on stderr and no traceback: exit
status 2 for a command given wrongly, 1 for a refusal; a token is never repeated back.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

from booking.domain.course_money import bookings_said, money_figures
from booking.domain.errors import InvalidInput
from booking.domain.money import said_as_typed, typed_amount
from booking.domain.wording import (
    COURSE_STATUS_WORDS,
    FIELD_NAMES,
    course_name,
    discount_words,
    moment_when,
    money_words,
    redemptions_words,
    status_with_reason,
    status_words,
    uses_words,
)

TIMEOUT_SECONDS = 60


class CliError(Exception):
    """A refusal, said in one line (or a line and its fields): exit status 1."""

    exit_status = 1


class UsageError(CliError):
    """The command was not given as it must be (argparse's own, a missing --url, a token no
    token can be): exit status 2, as argparse exits."""

    exit_status = 2


# A bearer token as RFC 6750 writes one (a Cognito JWT, make run's letters and digits): any
# other character (a space, a line break pasted with it) is refused before it is sent, and the
# token is never repeated back: it is a secret, and a terminal's scrollback is not.
_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")
# A course definition is a few kilobytes; the API takes at most 64 KiB.
MAX_DEFINITION_BYTES = 1024 * 1024


def _request(method: str, url: str, token: str | None, body: Any = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()
    except urllib.error.URLError as error:
        raise CliError(f"cannot reach {url}: {error.reason}") from error


def _ok(status: int, payload: bytes) -> bytes:
    if status >= 400:
        raise CliError(refusal_words(status, payload))
    return payload


def refusal_words(status: int, payload: bytes) -> str:
    """What the API's refusal says, for the person at the terminal: its message and each
    field's reason, money as they typed it (pounds, never the API's pence), without the
    API's codes or HTTP's numbers (``--json`` is for programs; the codes are in the README)."""
    try:
        detail = json.loads(payload)["error"]
        said = str(detail["message"])
        fields = detail.get("fields") or {}
        said += "".join(f"\n  {name}: {reason}" for name, reason in fields.items())
    except (ValueError, KeyError, TypeError, RecursionError):
        # Not the API's JSON (a proxy's page, a wrong --url): what the server said, by name.
        try:
            phrase = HTTPStatus(status).phrase.lower()
        except ValueError:
            phrase = "an error"
        said = f"the server answered {phrase} ({status}) without saying why; check --url"
    return said_as_typed(said)


def _answer(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        raise CliError("the server's answer is not the API's JSON; check --url") from None


def _get(url: str, token: str | None) -> Any:
    return _answer(_ok(*_request("GET", url, token)))


def _post(url: str, token: str | None, body: dict[str, Any]) -> Any:
    return _answer(_ok(*_request("POST", url, token, body)))


def _app_path(url: str, application: str) -> str:
    return f"{url}/admin/applications/{quote(application, safe='')}"


# -- what the answers say, in words ------------------------------------------------------------


def _name_of(course: dict[str, Any]) -> str:
    """A course as the console names it: its title and first day (from the Course JSON)."""
    starts = [datetime.fromisoformat(s["start"]) for s in course.get("sessions") or []]
    if not starts:
        return str(course["title"])
    return course_name(course["title"], min(starts), course["timezone"])


def _where(answer: dict[str, Any]) -> str:
    """ "CL-7K3Q9: Awaiting payment, £75.00 to pay": where an application now stands."""
    said = status_with_reason(answer["status"], answer.get("status_reason"))
    # What is left to pay (Application.left_to_pay); amount_due from an API before it said so.
    due = answer.get("left_to_pay", answer.get("amount_due"))
    currency = (answer.get("price") or {}).get("currency", "gbp")
    if answer["status"] in ("awaiting_payment", "offered", "awaiting_invoice_payment"):
        said += f", {money_words(due, currency)} to pay" if due else ", nothing to pay"
    return f"{answer.get('reference') or answer['application_id']}: {said}"


# -- commands ----------------------------------------------------------------------------------


def list_courses(url: str) -> str:
    lines = []
    for course in _get(f"{url}/courses", None):
        places = (
            f"{course['places_left']} of {course['capacity']} places left"
            if course["status"] == "open"
            else "no places left"
        )
        lines.append(
            f"{_name_of(course)} [{course['course_id']}]: "
            f"{COURSE_STATUS_WORDS.get(course['status'], course['status'])}, {places}, "
            f"{money_words(course['price']['amount'], course['price']['currency'])} a place"
        )
    return "\n".join(lines) if lines else "No courses yet."


def show_course(url: str, token: str | None, course_id: str) -> str:
    course = _get(f"{url}/courses/{quote(course_id)}", None)
    price = course["price"]
    lines = [
        f"{_name_of(course)} [{course['course_id']}]",
        f"Status: {COURSE_STATUS_WORDS.get(course['status'], course['status'])}"
        + (", applications need approval" if course["approval_required"] else ""),
        f"Places: {course['capacity'] - course['places_left']} of {course['capacity']} taken, "
        f"{course['places_left']} left",
        f"Price: {money_words(price['amount'], price['currency'])}",
        "Sessions (UK time):",
    ]
    for session in course["sessions"]:
        start = datetime.fromisoformat(session["start"])
        kind = "follow-up" if session["kind"] == "follow_up" else "session"
        lines.append(f"  {moment_when(start, course['timezone'])}  {kind}: {session['title']}")
    return "\n".join([*lines, "", totals(url, token, course_id)])


def read_definition(path: Path) -> Any:
    """A course definition file as JSON, or a :class:`CliError` saying why it is not one (never
    json's traceback: a file of 100,000 ``[`` nests past Python's recursion limit)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_DEFINITION_BYTES + 1)
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_DEFINITION_BYTES:
        raise CliError(f"{path} is too large to be a course definition (over 1 MiB)")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CliError(f"{path} is not text in UTF-8: save it as UTF-8 JSON") from None
    except json.JSONDecodeError as error:
        raise CliError(
            f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise CliError(f"{path} nests too deeply to be a course definition") from None


def load_course(url: str, token: str | None, path: Path, course_id: str | None) -> str:
    definition = read_definition(path)
    identifier = course_id or path.stem
    status, payload = _request("PUT", f"{url}/admin/courses/{quote(identifier)}", token, definition)
    course = _answer(_ok(status, payload))
    verb = "created" if status == 201 else "updated"
    said = (
        f"{verb} {course['course_id']}: {len(course['sessions'])} sessions, "
        f"{course['places_left']} of {course['capacity']} places left"
    )
    return "\n".join([said, *(f"Warning: {w}" for w in course.get("warnings") or [])])


def roster(url: str, token: str | None, course_id: str, shape: str) -> str:
    suffix = "?format=csv" if shape == "csv" else ""
    body = _ok(
        *_request("GET", f"{url}/admin/courses/{quote(course_id)}/applications{suffix}", token)
    )
    if shape == "csv":
        return body.decode("utf-8")
    rows = _answer(body)
    if shape == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if not rows:
        return "No applications yet."
    return "\n".join(
        f"{row['reference'] or row['application_id']}  {row['name']} <{row['email']}>  "
        f"{status_words(row['status'])}  paid {money_words(row['amount_paid'], row['currency'])}"
        for row in rows
    )


def application_action(
    url: str, token: str | None, action: str, application: str, body: dict[str, Any]
) -> str:
    """approve, decline, cancel, resend-confirmation, bursary, invoice/resend, invoice/void:
    one line saying where the application now stands."""
    return _where(_post(f"{_app_path(url, application)}/{action}", token, body))


def person(url: str, token: str | None, email: str, *, erase: bool) -> str:
    path = f"{url}/admin/people/{quote(email, safe='@')}"
    answer = _answer(_ok(*_request("DELETE" if erase else "GET", path, token)))
    if erase:
        erased = answer["erased_applications"]
        return f"erased {len(erased)} application{'s' if len(erased) != 1 else ''}"
    return json.dumps(answer, indent=2, ensure_ascii=False)


def discount_code(url: str, token: str | None, course_id: str, code: dict[str, Any]) -> str:
    made = _post(f"{url}/admin/courses/{quote(course_id)}/discount-codes", token, code)
    return f"made {made['code']} on {made['course_id']}: {_code_terms(url, made)}"


def _code_line(url: str, code: dict[str, Any]) -> str:
    return f"{code['code']}: {_code_terms(url, code)}"


def _code_terms(url: str, code: dict[str, Any]) -> str:
    """ "50% off, 1 of 10 used, 9 left, until ...; at Stripe: Active, ...": a code's terms and
    standing as the console's codes page says them."""
    off = discount_words(code["percent_off"], code["amount_off"], code["currency"])
    said = f"{off}, {uses_words(code['times_used'], code['max_uses'])}"
    if code["expires_at"]:
        expires = datetime.fromisoformat(code["expires_at"].replace("Z", "+00:00"))
        zone = _get(f"{url}/courses/{quote(code['course_id'])}", None)["timezone"]
        said += f", until {moment_when(expires, zone)}"
    if not code.get("active", True):
        said += ", expired by an organiser"
    stripe = redemptions_words(code.get("stripe_active"), code.get("stripe_times_redeemed"))
    return f"{said}; at Stripe: {stripe}"


def list_codes(url: str, token: str | None, course_id: str) -> str:
    codes = _get(f"{url}/admin/courses/{quote(course_id)}/discount-codes", token)
    if not codes:
        return "No discount codes on this course yet."
    return "\n".join(_code_line(url, code) for code in codes)


def expire_code(url: str, token: str | None, course_id: str, code: str) -> str:
    path = f"{url}/admin/courses/{quote(course_id)}/discount-codes/{quote(code, safe='')}/expire"
    return f"expired {_code_line(url, _post(path, token, {}))}"


def show_application(url: str, token: str | None, application: str) -> str:
    """One application as a person reads it: reference, status, answers and money."""
    found = _get(_app_path(url, application), token)
    currency = found["currency"]

    def said(amount: int) -> str:
        return money_words(amount, currency)

    lines = [
        f"{found['reference'] or found['application_id']}: {found['name']} <{found['email']}>",
        f"Course: {found['course_id']}",
        f"Status: {status_with_reason(found['status'], found.get('status_reason'))}",
        f"Price {said(found['price'])}, to pay {said(found['amount_due'])}, "
        f"paid {said(found['amount_paid'])}, refunded {said(found['amount_refunded'])}",
    ]
    if found["discount_code"]:
        lines.append(f"{FIELD_NAMES['discount_code']}: {found['discount_code']}")
    if found["bursary"]:
        lines.append(f"Bursary: {said(found['bursary'])}")
    if found["invoice_number"]:
        lines.append(f"Invoice {found['invoice_number']}: {found['invoice_status']}")
    for field in ("job_title", "organisation", "leadership_role", "motivation"):
        lines.append(f"{FIELD_NAMES[field]}: {found[field]}")
    return "\n".join(lines)


def totals(url: str, token: str | None, course_id: str, *, as_json: bool = False) -> str:
    money = _get(f"{url}/admin/courses/{quote(course_id)}/totals", token)
    if as_json:
        return json.dumps(money, indent=2)
    # The figures named and said as the console's money page says them.
    return "\n".join(
        [f"Bookings: {bookings_said(money)}"]
        + [f"{name}: {amount}" for name, amount in money_figures(money)]
    )


def run_reminders(url: str | None, function_name: str | None, at: datetime) -> str:
    moment = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if function_name:
        # A deployed stage: invoke the function with the event EventBridge Scheduler sends.
        import boto3

        event = {
            "version": "0",
            "id": "cli",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": "",
            "time": moment,
            "region": "",
            "resources": [],
            "detail": {},
        }
        answer = boto3.client("lambda").invoke(
            FunctionName=function_name, Payload=json.dumps(event).encode()
        )
        return str(answer["Payload"].read().decode())
    if not url:
        raise CliError("give --url of a local stack or --function of a deployed one")
    status, payload = _request("POST", f"{url}/_local/scheduler/tick", None, {"time": moment})
    return _ok(status, payload).decode()


# -- arguments ---------------------------------------------------------------------------------


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


def _pounds(text: str) -> int:
    """Pounds typed on the command line, read as the console reads them (``typed_amount``)."""
    try:
        return typed_amount(text, "amount")
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
    parser = _Parser(prog="course-booking", description=__doc__.split("\n")[0], allow_abbrev=False)
    _global_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", required=True)
    _commands(commands)
    for command in commands.choices.values():
        command.allow_abbrev = False
        _global_options(command, defaults=False)
    return parser


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
    fund = commands.add_parser("bursary", help="fund a place, in full or in part")
    fund.add_argument("application", help="the application's reference or id")
    fund.add_argument("amount", type=_pounds, help="in pounds; the whole price: a funded place")
    code = commands.add_parser("discount-code", help="make a discount code for a course")
    code.add_argument("course_id")
    code.add_argument("code")
    kind = code.add_mutually_exclusive_group(required=True)
    kind.add_argument("--percent-off", type=_percent, help="above 0, at most 100")
    kind.add_argument("--amount-off", type=_pounds, help="in pounds")
    code.add_argument("--max-uses", type=_whole_number)
    code.add_argument("--expires-at", type=_time, help="with its offset, like 2027-06-06T15:10Z")
    listed = commands.add_parser("codes", help="a course's discount codes, with uses left")
    listed.add_argument("course_id")
    expire = commands.add_parser("expire-code", help="expire a discount code now")
    expire.add_argument("course_id")
    expire.add_argument("code")
    one = commands.add_parser("application", help="one application: status, answers, money")
    one.add_argument("application", help="the application's reference or id")
    money = commands.add_parser("totals", help="a course's money: paid, refunded, due, funded")
    money.add_argument("course_id")
    money.add_argument("--json", action="store_true", help="the API's figures, in pence")
    export_person = commands.add_parser("export", help="everything held about a person (JSON)")
    export_person.add_argument("email")
    erase = commands.add_parser("erase", help="erase a person's data (cannot be undone)")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="confirm: erase it now")
    tick = commands.add_parser("run-reminders", help="run the reminder dispatcher at a time")
    tick.add_argument("--at", type=_time, default=datetime.now(UTC))
    tick.add_argument("--function", help="deployed reminders function name (uses AWS creds)")


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
        hidden = _secrets_in(argv)
        sys.stderr.write(_hiding(refused.usage, hidden) + _hiding(refused.message, hidden) + "\n")
        raise SystemExit(UsageError.exit_status) from None


def _secrets_in(argv: Sequence[str]) -> list[str]:
    """The tokens in the command line and the environment: never repeated back."""
    found = [os.environ.get("BOOKING_TOKEN") or ""]
    for word, following in zip(argv, [*argv[1:], ""], strict=True):
        if word == "--token":
            found.append(following)
        elif word.startswith("--token="):
            found.append(word.removeprefix("--token="))
    return [secret for secret in found if len(secret.strip()) >= 4]


def _hiding(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        # As typed, and as Python writes it in a message (b'Bearer ab\\ncd').
        for form in {secret, repr(secret)[1:-1], secret.strip()}:
            text = text.replace(form, "[the token]")
    return text


def main(argv: list[str] | None = None) -> int:
    """Run one command: its output on stdout and 0; else one line on stderr (never a
    traceback, never a token) and 1 for a refusal, 2 for a command given wrongly."""
    given = sys.argv[1:] if argv is None else argv
    secrets = _secrets_in(given)
    args = parse_arguments(given)
    try:
        output = _run(args)
    except CliError as error:
        return _said(str(error), secrets, error.exit_status)
    except (OSError, ValueError) as error:  # the network, the terminal, the standard library
        return _said(str(error), secrets, CliError.exit_status)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a person at a terminal reads no traceback
        said = f"stopped by an unexpected error ({type(error).__name__})"
        return _said(said, secrets, CliError.exit_status)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


def _said(message: str, secrets: Sequence[str], status: int) -> int:
    print(f"course-booking: {_hiding(message, secrets)}", file=sys.stderr)
    return status


def _run(args: argparse.Namespace) -> str:
    command = args.command
    if command == "run-reminders":
        return run_reminders(args.url, args.function, args.at)
    url = _need(args.url, "--url")
    token = _checked_token(args.token)
    if command == "courses":
        return list_courses(url)
    if command == "course":
        return show_course(url, token, args.course_id)
    if command == "load-course":
        return load_course(url, token, args.file, args.course_id)
    if command == "roster":
        shape = "csv" if args.csv else "json" if args.json else "lines"
        return roster(url, token, args.course_id, shape)
    if command in APPLICATION_VERBS:
        body: dict[str, Any] = {}
        if command == "decline" and args.message:
            body["message"] = args.message
        if command == "cancel":
            body["refund"] = args.refund
        action = APPLICATION_VERBS[command][0]
        return application_action(url, token, action, args.application, body)
    if command == "bursary":
        return application_action(url, token, "bursary", args.application, {"amount": args.amount})
    if command == "discount-code":
        fields = {
            "code": args.code,
            "percent_off": args.percent_off,
            "amount_off": args.amount_off,
            "max_uses": args.max_uses,
            "expires_at": args.expires_at.isoformat() if args.expires_at else None,
        }
        return discount_code(
            url, token, args.course_id, {k: v for k, v in fields.items() if v is not None}
        )
    if command == "codes":
        return list_codes(url, token, args.course_id)
    if command == "expire-code":
        return expire_code(url, token, args.course_id, args.code)
    if command == "application":
        return show_application(url, token, args.application)
    if command == "totals":
        return totals(url, token, args.course_id, as_json=args.json)
    if command == "export":
        return person(url, token, args.email, erase=False)
    if not args.yes:
        raise CliError(
            "erasing cannot be undone: run `export` first if you need a copy, then add --yes "
            "to erase"
        )
    return person(url, token, args.email, erase=True)


def _need(value: str | None, flag: str) -> str:
    if not value or not value.strip():
        raise UsageError(f"{flag} is required (or set the environment variable)")
    return value.strip().rstrip("/")


def _checked_token(token: str | None) -> str | None:
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


if __name__ == "__main__":
    sys.exit(main())
