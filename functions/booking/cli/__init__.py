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
    course-booking refund CL-7K3Q9               # cancelled without a refund: refund it now
    course-booking resend CL-7K3Q9
    course-booking bursary CL-7K3Q9 200              # pounds: a place funded in full
    course-booking resend-invoice CL-7K3Q9
    course-booking void-invoice CL-7K3Q9
    course-booking correct-invoice CL-7K3Q9 --billing-name "Leeds NHS Trust" \
        --billing-email accounts@example.org --billing-address "1 Park Row\nLeeds" --po-number P7
    course-booking invoice-instead CL-7K3Q9 --billing-name "Leeds NHS Trust" \
        --billing-email accounts@example.org --billing-address "1 Park Row\nLeeds"
    course-booking record-payment CL-7K3Q9       # its invoice paid by bank transfer: confirmed
    course-booking record-payment CL-7K3Q9 --received-on 2027-03-01 --method cheque
    course-booking give-back CL-7K3Q9 --amount 200 --on 2027-04-02 --how bank_transfer
    course-booking give-back-group GROUP_ID --amount 400 --on 2027-04-02 --how cheque
    course-booking discount-code compassionate-leadership-2027-06 HALF --percent-off 50
    course-booking codes compassionate-leadership-2027-06          # each with its uses left
    course-booking expire-code compassionate-leadership-2027-06 HALF
    course-booking application CL-7K3Q9                             # one application
    course-booking totals compassionate-leadership-2027-06
    course-booking export ada@example.org > ada.json
    course-booking erase ada@example.org --yes
    course-booking run-reminders --at 2027-06-06T15:10:00Z          # the whole schedule, locally
    course-booking register compassionate-leadership-2027-06      # marks and completion
    course-booking mark compassionate-leadership-2027-06 CL-7K3Q9 1 attended
    course-booking clear-mark compassionate-leadership-2027-06 CL-7K3Q9 1 attended  # by mistake
    course-booking import-attendance compassionate-leadership-2027-06 1 participants.csv
    course-booking close-register compassionate-leadership-2027-06
    course-booking reissue-certificate compassionate-leadership-2027-06 CL-7K3Q9 "Wang Xiaoming"
    course-booking group-bookings compassionate-leadership-2027-06  # places a manager booked
    course-booking void-group-invoice GROUP_ID      # a group's unpaid invoice: seats go back
    course-booking resend-group-invoice GROUP_ID    # Stripe emails its open invoice again
    course-booking record-group-payment GROUP_ID    # its invoice paid by bank transfer
    course-booking backfill-billing-index           # lookups older applications lack
    course-booking backfill-refunds-failed          # failures older bookings lack
    course-booking backfill-code-uses               # uses older expiries kept
    course-booking backfill-former-contacts         # contacts older corrections replaced
    course-booking run-reminders --function FUNCTION_NAME   # deployed: now, or a time that has come

``--url``/``--token`` default to ``$BOOKING_URL`` and ``$BOOKING_TOKEN`` (for a deployed stage,
a Cognito access token with the ``booking/admin`` scope; see infra/DEPLOY.md), and may come
before or after the command. Every option takes its value as ``--token X`` or ``--token=X``,
whatever the value starts with. ``run-reminders`` runs the whole schedule (reminders, lapsed
holds, offers and invoices, a group's unclaimed places released and refunded), not only
reminders: ``--at`` a later day moves a local stack's clock for the run; a deployed function
refuses a time ahead of its own clock and does nothing. Whatever happens, one line on stderr
and no traceback: exit status 2 for a command given wrongly, 1 for a refusal; a token is never
repeated back.

Its parts: :mod:`booking.cli.arguments` reads the command line, :mod:`booking.cli.client` asks
the API over HTTP; the verbs, by what they are about, say each answer in words
(:mod:`booking.cli.courses`, :mod:`booking.cli.people`, :mod:`booking.cli.codes`,
:mod:`booking.cli.runs`, ..., sharing :mod:`booking.cli.said`); here, each command is sent to its
verb.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from booking.cli import correction, given_back, groups, received, refunds, register
from booking.cli.arguments import (
    APPLICATION_VERBS,
    checked_token,
    hiding,
    need,
    parse_arguments,
    secrets_in,
)
from booking.cli.client import base_url
from booking.cli.codes import discount_code, expire_code, last_moment, list_codes
from booking.cli.courses import list_courses, load_course, roster, show_course, totals
from booking.cli.errors import CliError
from booking.cli.people import application_action, person, show_application
from booking.cli.runs import (
    backfill_billing_index,
    backfill_code_uses,
    backfill_former_contacts,
    backfill_refunds_failed,
    run_reminders,
    run_said,
)
from booking.cli.transfers import transfer


def main(argv: list[str] | None = None) -> int:
    """Run one command: its output on stdout and 0; else one line on stderr (never a
    traceback, never a token) and 1 for a refusal, 2 for a command given wrongly."""
    given = sys.argv[1:] if argv is None else argv
    secrets = secrets_in(given)
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
    print(f"course-booking: {hiding(message, secrets)}", file=sys.stderr)
    return status


def _run(args: argparse.Namespace) -> str:
    if args.command == "run-reminders":
        given = base_url(args.url.strip().rstrip("/")) if args.url and args.url.strip() else None
        answer = run_reminders(given, args.function, args.at)
        return answer if args.json else run_said(answer)
    url = base_url(need(args.url, "--url", "BOOKING_URL"))
    token = checked_token(args.token)
    return COMMANDS[args.command](args, url, token)


# A command run with what was given: its arguments, the API's URL and the organiser's token.
Command = Callable[[argparse.Namespace, str, str | None], str]


def _roster(args: argparse.Namespace, url: str, token: str | None) -> str:
    shape = "csv" if args.csv else "json" if args.json else "lines"
    return roster(url, token, args.course_id, shape)


def _application_verb(args: argparse.Namespace, url: str, token: str | None) -> str:
    body: dict[str, Any] = {}
    if args.command == "decline" and args.message:
        body["message"] = args.message
    if args.command == "cancel":
        body["refund"] = args.refund
    if args.command == "record-payment":
        body.update(received.body(args))
    action = APPLICATION_VERBS[args.command][0]
    return application_action(url, token, action, args.application, body)


def _discount_code(args: argparse.Namespace, url: str, token: str | None) -> str:
    fields = {
        "code": args.code,
        "percent_off": args.percent_off,
        "amount_off": args.amount_off,
        "max_uses": args.max_uses,
        "expires_at": _code_ends(args, url),
    }
    return discount_code(
        url,
        token,
        args.course_id,
        {k: v for k, v in fields.items() if v is not None},
        as_json=args.json,
    )


def _code_ends(args: argparse.Namespace, url: str) -> str | None:
    """The code's last moment: its last day's end in the course's time, or a time as given."""
    if args.last_day:
        return last_moment(url, args.course_id, args.last_day)
    return args.expires_at.isoformat() if args.expires_at else None


def _erase(args: argparse.Namespace, url: str, token: str | None) -> str:
    if not args.yes:
        raise CliError(
            "erasing cannot be undone: run `export` first if you need a copy, then add --yes "
            "to erase"
        )
    return person(url, token, args.email, erase=True)


# Every command but run-reminders (which needs no --url when given --function). The verbs are
# named here, not held, so that each is looked up when it runs.
COMMANDS: dict[str, Command] = {
    "courses": lambda args, url, token: list_courses(url, token),
    "course": lambda args, url, token: show_course(url, token, args.course_id),
    "load-course": lambda args, url, token: load_course(url, token, args.file, args.course_id),
    "roster": _roster,
    **dict.fromkeys(APPLICATION_VERBS, _application_verb),
    "refund": refunds.refund,
    "give-back": given_back.give_back,
    "give-back-group": given_back.give_back_group,
    "correct-invoice": correction.correct_invoice,
    "invoice-instead": correction.invoice_instead,
    "bursary": lambda args, url, token: application_action(
        url, token, "bursary", args.application, {"amount": args.amount}
    ),
    "discount-code": _discount_code,
    "codes": lambda args, url, token: list_codes(url, token, args.course_id, as_json=args.json),
    "expire-code": lambda args, url, token: expire_code(
        url, token, args.course_id, args.code, as_json=args.json
    ),
    "application": lambda args, url, token: show_application(
        url, token, args.application, as_json=args.json
    ),
    "totals": lambda args, url, token: totals(url, token, args.course_id, as_json=args.json),
    "export": lambda args, url, token: person(url, token, args.email, erase=False),
    "backfill-billing-index": lambda args, url, token: backfill_billing_index(
        url, token, as_json=args.json
    ),
    "backfill-code-uses": lambda args, url, token: backfill_code_uses(
        url, token, as_json=args.json
    ),
    "backfill-former-contacts": lambda args, url, token: backfill_former_contacts(
        url, token, as_json=args.json
    ),
    "backfill-refunds-failed": lambda args, url, token: backfill_refunds_failed(
        url, token, as_json=args.json
    ),
    "erase": _erase,
    **register.COMMANDS,
    **groups.COMMANDS,
    "transfer": lambda args, url, token: transfer(
        url, token, args.application, args.to_course_id, args.withdraw, args.wait
    ),
}
