"""``course-booking``: the organisers' console from a terminal.

Talks to the organiser API over HTTP, so the same commands work against ``make run`` and a
deployed stage. An application is named by its id or by its reference (``CL-7K3Q9``):

    course-booking --url http://127.0.0.1:8000 --token $ADMIN_TOKEN load-course courses/x.json
    course-booking --url ... --token ... roster compassionate-leadership-2027-06 --csv > r.csv
    course-booking --url ... --token ... approve CL-7K3Q9
    course-booking --url ... --token ... decline CL-7K3Q9 --message "Please try the spring cohort"
    course-booking --url ... --token ... cancel CL-7K3Q9 --refund
    course-booking --url ... --token ... resend CL-7K3Q9
    course-booking --url ... --token ... export ada@example.org > ada.json
    course-booking --url ... --token ... erase ada@example.org --yes
    course-booking --url http://127.0.0.1:8000 run-reminders --at 2027-06-06T15:10:00Z
    course-booking --function Booking-dev-reminders run-reminders --at 2027-06-06T15:10:00Z
    course-booking --url ... --token ... discount-code <course_id> HALF --percent-off 50
    course-booking --url ... --token ... bursary <application_id> 20000
    course-booking --url ... --token ... totals <course_id>

``--url``/``--token`` default to ``$BOOKING_URL`` and ``$BOOKING_TOKEN`` (for a deployed stage,
a Cognito access token with the ``booking/admin`` scope; see infra/DEPLOY.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

TIMEOUT_SECONDS = 60


class CliError(Exception):
    pass


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
        try:
            detail = json.loads(payload)["error"]
            message = f"{detail['code']}: {detail['message']}"
            if detail.get("fields"):
                message += "".join(f"\n  {k}: {v}" for k, v in detail["fields"].items())
        except (ValueError, KeyError, TypeError):
            message = payload.decode("utf-8", "replace")[:500]
        raise CliError(f"HTTP {status}: {message}")
    return payload


def load_course(url: str, token: str | None, path: Path, course_id: str | None) -> str:
    definition = json.loads(path.read_text(encoding="utf-8"))
    identifier = course_id or path.stem
    status, payload = _request("PUT", f"{url}/admin/courses/{quote(identifier)}", token, definition)
    course = json.loads(_ok(status, payload))
    verb = "created" if status == 201 else "updated"
    return (
        f"{verb} {course['course_id']}: {len(course['sessions'])} sessions, "
        f"{course['places_left']} of {course['capacity']} places left"
    )


def roster(url: str, token: str | None, course_id: str, as_csv: bool) -> str:
    suffix = "?format=csv" if as_csv else ""
    status, payload = _request(
        "GET", f"{url}/admin/courses/{quote(course_id)}/applications{suffix}", token
    )
    body = _ok(status, payload)
    if as_csv:
        return body.decode("utf-8")
    return json.dumps(json.loads(body), indent=2, ensure_ascii=False)


def application_action(
    url: str, token: str | None, action: str, application: str, body: dict[str, Any]
) -> str:
    """approve, decline, cancel or resend-confirmation; one line saying where it now stands."""
    status, payload = _request(
        "POST", f"{url}/admin/applications/{quote(application, safe='')}/{action}", token, body
    )
    answer = json.loads(_ok(status, payload))
    reason = f" ({answer['status_reason']})" if answer.get("status_reason") else ""
    name = answer.get("reference") or answer["application_id"]
    return f"{name} ({answer['application_id']}): {answer['status']}{reason}"


def person(url: str, token: str | None, email: str, *, erase: bool) -> str:
    path = f"{url}/admin/people/{quote(email, safe='@')}"
    status, payload = _request("DELETE" if erase else "GET", path, token)
    answer = json.loads(_ok(status, payload))
    if erase:
        erased = answer["erased_applications"]
        return f"erased {len(erased)} application{'s' if len(erased) != 1 else ''}"
    return json.dumps(answer, indent=2, ensure_ascii=False)


def discount_code(url: str, token: str | None, course_id: str, code: dict[str, Any]) -> str:
    status, payload = _request(
        "POST", f"{url}/admin/courses/{quote(course_id)}/discount-codes", token, code
    )
    made = json.loads(_ok(status, payload))
    off = f"{made['percent_off']:g}%" if made["percent_off"] else f"{made['amount_off']} pence"
    return f"made {made['code']} on {made['course_id']}: {off} off"


def bursary(url: str, token: str | None, application_id: str, amount: int) -> str:
    status, payload = _request(
        "POST",
        f"{url}/admin/applications/{quote(application_id)}/bursary",
        token,
        {"amount": amount},
    )
    funded = json.loads(_ok(status, payload))
    return f"{funded['application_id']}: {funded['status']}, {funded['amount_due']} pence to pay"


def totals(url: str, token: str | None, course_id: str) -> str:
    status, payload = _request("GET", f"{url}/admin/courses/{quote(course_id)}/totals", token)
    return json.dumps(json.loads(_ok(status, payload)), indent=2)


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


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time with its offset, e.g. 2027-06-06T15:10Z")
    return moment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-booking", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", default=os.environ.get("BOOKING_URL"), help="API base URL (default $BOOKING_URL)"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("BOOKING_TOKEN"),
        help="organiser bearer token (default $BOOKING_TOKEN)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load-course", help="create or replace a course from a file")
    load.add_argument("file", type=Path)
    load.add_argument("--id", dest="course_id", help="course id (default: the file name)")
    export = commands.add_parser("roster", help="every application of a course")
    export.add_argument("course_id")
    export.add_argument("--csv", action="store_true", help="CSV for spreadsheets")
    for verb, helped in (
        ("approve", "offer a place to an application pending review"),
        ("decline", "decline an application pending review"),
        ("cancel", "cancel a booking or an application"),
        ("resend", "email a booking's confirmation again"),
    ):
        command = commands.add_parser(verb, help=helped)
        command.add_argument("application", help="the application's reference or id")
        if verb == "decline":
            command.add_argument("--message", help="your words to the applicant (emailed)")
        if verb == "cancel":
            command.add_argument("--refund", action="store_true", help="refund through Stripe")
    export_person = commands.add_parser("export", help="everything held about a person (JSON)")
    export_person.add_argument("email")
    erase = commands.add_parser("erase", help="erase a person's data (cannot be undone)")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="confirm: erase it now")
    tick = commands.add_parser("run-reminders", help="run the reminder dispatcher at a time")
    tick.add_argument("--at", type=_parse_time, default=datetime.now(UTC))
    tick.add_argument("--function", help="deployed reminders function name (uses AWS creds)")
    code = commands.add_parser("discount-code", help="make a discount code for a course")
    code.add_argument("course_id")
    code.add_argument("code")
    kind = code.add_mutually_exclusive_group(required=True)
    kind.add_argument("--percent-off", type=float)
    kind.add_argument("--amount-off", type=int, help="pence")
    code.add_argument("--max-uses", type=int)
    code.add_argument("--expires-at", type=_parse_time)
    fund = commands.add_parser("bursary", help="fund a place, in full or in part")
    fund.add_argument("application_id")
    fund.add_argument("amount", type=int, help="pence; the whole price is a funded place")
    money = commands.add_parser("totals", help="a course's money: price, discounts, bursaries")
    money.add_argument("course_id")
    args = parser.parse_args(argv)
    try:
        if args.command == "load-course":
            output = load_course(_need(args.url, "--url"), args.token, args.file, args.course_id)
        elif args.command == "roster":
            output = roster(_need(args.url, "--url"), args.token, args.course_id, args.csv)
        elif args.command in ("approve", "decline", "cancel", "resend"):
            body: dict[str, Any] = {}
            if args.command == "decline" and args.message:
                body["message"] = args.message
            if args.command == "cancel":
                body["refund"] = args.refund
            action = "resend-confirmation" if args.command == "resend" else args.command
            output = application_action(
                _need(args.url, "--url"), args.token, action, args.application, body
            )
        elif args.command == "export":
            output = person(_need(args.url, "--url"), args.token, args.email, erase=False)
        elif args.command == "erase":
            if not args.yes:
                raise CliError(
                    "erasing cannot be undone: run `export` first if you need a copy, then "
                    "add --yes to erase"
                )
            output = person(_need(args.url, "--url"), args.token, args.email, erase=True)
        elif args.command == "discount-code":
            fields = {
                "code": args.code,
                "percent_off": args.percent_off,
                "amount_off": args.amount_off,
                "max_uses": args.max_uses,
                "expires_at": args.expires_at.isoformat() if args.expires_at else None,
            }
            body = {k: v for k, v in fields.items() if v is not None}
            output = discount_code(_need(args.url, "--url"), args.token, args.course_id, body)
        elif args.command == "bursary":
            output = bursary(_need(args.url, "--url"), args.token, args.application_id, args.amount)
        elif args.command == "totals":
            output = totals(_need(args.url, "--url"), args.token, args.course_id)
        else:
            output = run_reminders(args.url, args.function, args.at)
    except (CliError, OSError, ValueError) as error:
        print(f"course-booking: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


def _need(value: str | None, flag: str) -> str:
    if not value:
        raise CliError(f"{flag} is required (or set the environment variable)")
    return value.rstrip("/")


if __name__ == "__main__":
    sys.exit(main())
