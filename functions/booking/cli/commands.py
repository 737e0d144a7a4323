"""The verbs: each asks the organiser API (:mod:`booking.cli.client`) and says its answer as the
console says it (``domain/wording.py``): statuses and times in words, money in pounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from booking.cli.client import (
    application_path,
    checked,
    get_json,
    post_json,
    read_json,
    roster_status_words,
    segment,
    send,
    status_in_words,
)
from booking.cli.codes import code_terms
from booking.cli.errors import CliError
from booking.domain.course_money import bookings_said, money_figures
from booking.domain.covered import left_to_pay_in_words, paid_for_them
from booking.domain.refund_partway import REFUND_ON_ITS_PAGE
from booking.domain.statuses import person_shown
from booking.domain.wording import (
    ANSWER_FIELDS,
    ENDED_WORDS,
    FIELD_NAMES,
    INVOICE_STATUS_WORDS,
    course_name,
    course_state_said,
    moment_when,
    money_words,
)

# A course definition is a few kilobytes; the API takes at most 64 KiB.
MAX_DEFINITION_BYTES = 1024 * 1024

# -- what the answers say, in words ------------------------------------------------------------


def _name_of(course: dict[str, Any]) -> str:
    """A course as the console names it: its title and first day (from the Course JSON)."""
    starts = [datetime.fromisoformat(s["start"]) for s in course.get("sessions") or []]
    if not starts:
        return str(course["title"])
    return course_name(course["title"], min(starts), course["timezone"])


def _ended(course: dict[str, Any]) -> bool:
    """Whether every session of the course (from the Course JSON) is over by now."""
    ends = [datetime.fromisoformat(s["end"]) for s in course.get("sessions") or []]
    return bool(ends) and max(ends) <= datetime.now(UTC)


def _state(course: dict[str, Any]) -> str:
    return course_state_said(course["status"], ended=_ended(course))


def _where(answer: dict[str, Any]) -> str:
    """ "CL-7K3Q9: Awaiting payment, £75.00 to pay": where an application now stands."""
    said = status_in_words(answer)
    # What is left to pay (Application.left_to_pay); amount_due from an API before it said so.
    due = answer.get("left_to_pay", answer.get("amount_due"))
    currency = (answer.get("price") or {}).get("currency", "gbp")
    if answer["status"] in ("awaiting_payment", "offered", "awaiting_invoice_payment"):
        said += f", {money_words(due, currency)} to pay" if due else ", nothing to pay"
    return f"{answer.get('reference') or answer['application_id']}: {said}"


# -- commands ----------------------------------------------------------------------------------


def list_courses(url: str) -> str:
    lines = []
    for course in get_json(f"{url}/courses", None):
        places = (
            f"{course['places_left']} of {course['capacity']} places left, "
            if course["status"] == "open"
            else ""
            if _ended(course)
            else "no places left, "
        )
        lines.append(
            f"{_name_of(course)} [{course['course_id']}]: {_state(course)}, {places}"
            f"{money_words(course['price']['amount'], course['price']['currency'])} a place"
        )
    return "\n".join(lines) if lines else "No courses yet."


def show_course(url: str, token: str | None, course_id: str) -> str:
    course = get_json(f"{url}/courses/{segment(course_id, 'course')}", None)
    price, free = course["price"], course.get("places_not_taken", course["places_left"])
    lines = [
        f"{_name_of(course)} [{course['course_id']}]",
        f"Status: {_state(course)}"
        + (", applications need approval" if course["approval_required"] else ""),
        # Places no seat holds, as the console counts them (not a newcomer's places_left).
        f"Places: {course['capacity'] - free} of {course['capacity']} taken, {free} left",
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
    status, payload = send("PUT", f"{url}/admin/courses/{quote(identifier)}", token, definition)
    course = read_json(checked(status, payload))
    verb = "created" if status == 201 else "updated"
    places = (
        ENDED_WORDS.lower()
        if _ended(course)
        else f"{course.get('places_not_taken', course['places_left'])} of {course['capacity']} "
        "places left"
    )
    said = f"{verb} {course['course_id']}: {len(course['sessions'])} sessions, {places}"
    return "\n".join([said, *(f"Warning: {w}" for w in course.get("warnings") or [])])


def roster(url: str, token: str | None, course_id: str, shape: str) -> str:
    suffix = "?format=csv" if shape == "csv" else ""
    body = checked(
        *send(
            "GET", f"{url}/admin/courses/{segment(course_id, 'course')}/applications{suffix}", token
        )
    )
    if shape == "csv":
        return body.decode("utf-8")
    rows = read_json(body)
    if shape == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if not rows:
        return "No applications yet."
    return "\n".join(
        f"{row['reference'] or row['application_id']}  {person_shown(row['name'], row['email'])}  "
        f"{_roster_status(row, url)}  {_paid_said(row)}"
        for row in rows
    )


def _paid_said(row: dict[str, Any]) -> str:
    """Who paid, as the CSV roster's "Paid by" says it, for a place the person did not pay
    (the group booking's, or one a bursary or code covered); else what they paid."""
    said = paid_for_them(row)
    if said:
        return said[0].lower() + said[1:]
    return f"paid {money_words(row['amount_paid'], row['currency'])}"


def _roster_status(row: dict[str, Any], url: str) -> str:
    """A row's status, or, for a booking of another cohort whose move here waits, that (the
    cohort it moves from by its title and first day, as organisers read it)."""
    moving = row.get("moving_in")
    if not moving:
        return roster_status_words(row)
    source = _course_named(url, moving["from_course_id"])
    if moving["kind"] == "waiting":
        return f"on the waiting list: a move from {source}"
    return f"seat held for a move from {source} (difference not yet paid)"


def application_action(
    url: str, token: str | None, action: str, application: str, body: dict[str, Any]
) -> str:
    """approve, decline, cancel, resend-confirmation, bursary, invoice/resend, invoice/void:
    one line saying where the application now stands. A refusal that points to the
    console's Refund says the CLI's own command instead (hostile19 F7)."""
    path = application_path(url, application)
    try:
        return _where(post_json(f"{path}/{action}", token, body))
    except CliError as refused:
        said = str(refused).replace(
            REFUND_ON_ITS_PAGE, f"run 'course-booking refund {application}'"
        )
        raise CliError(said) from None


def person(url: str, token: str | None, email: str, *, erase: bool) -> str:
    path = f"{url}/admin/people/{quote(email, safe='@')}"
    answer = read_json(checked(*send("DELETE" if erase else "GET", path, token)))
    if erase:
        # What was erased and what that did, in the API's words (``domain.erasure``).
        return "\n".join(answer["said"])
    return json.dumps(answer, indent=2, ensure_ascii=False)


def _answered(answer: Any) -> str:
    """``--json``: the API's answer as it gave it, for scripts."""
    return json.dumps(answer, indent=2, ensure_ascii=False)


def _course_named(url: str, course_id: str) -> str:
    """A course as a person reads it: its title and first day (its id when it is gone)."""
    status, payload = send("GET", f"{url}/courses/{segment(course_id, 'course')}", None)
    if status >= 400:
        return course_id
    return _name_of(read_json(payload))


def discount_code(
    url: str, token: str | None, course_id: str, code: dict[str, Any], *, as_json: bool = False
) -> str:
    made = post_json(
        f"{url}/admin/courses/{segment(course_id, 'course')}/discount-codes", token, code
    )
    if as_json:
        return _answered(made)
    course = _course_named(url, made["course_id"])
    return f"made {made['code']} on {course}: {code_terms(url, made)}"


def _code_line(url: str, code: dict[str, Any]) -> str:
    return f"{code['code']}: {code_terms(url, code)}"


def list_codes(url: str, token: str | None, course_id: str, *, as_json: bool = False) -> str:
    codes = get_json(f"{url}/admin/courses/{segment(course_id, 'course')}/discount-codes", token)
    if as_json:
        return _answered(codes)
    if not codes:
        return "No discount codes on this course yet."
    return "\n".join(_code_line(url, code) for code in codes)


def expire_code(
    url: str, token: str | None, course_id: str, code: str, *, as_json: bool = False
) -> str:
    course = segment(course_id, "course")
    path = f"{url}/admin/courses/{course}/discount-codes/{segment(code, 'discount code')}/expire"
    expired = post_json(path, token, {})
    return _answered(expired) if as_json else f"expired {_code_line(url, expired)}"


def show_application(
    url: str, token: str | None, application: str, *, as_json: bool = False
) -> str:
    """One application as a person reads it: reference, status, answers and money."""
    found = get_json(application_path(url, application), token)
    if as_json:
        return _answered(found)
    currency = found["currency"]

    def said(amount: int) -> str:
        return money_words(amount, currency)

    lines = [
        f"{found['reference'] or found['application_id']}: "
        f"{person_shown(found['name'], found['email'])}",
        f"Course: {_course_named(url, found['course_id'])}",
        f"Status: {status_in_words(found)}",
        f"Price {said(found['price'])}, left to pay {left_to_pay_in_words(found)}, "
        f"paid {said(found['amount_paid'])}, refunded {said(found['amount_refunded'])}",
    ]
    if found["discount_code"]:
        lines.append(f"{FIELD_NAMES['discount_code']}: {found['discount_code']}")
    if found["bursary"]:
        lines.append(f"Bursary: {said(found['bursary'])}")
    if found["invoice_number"]:
        state = found["invoice_status"]
        lines.append(f"Invoice {found['invoice_number']}: {INVOICE_STATUS_WORDS.get(state, state)}")
    lines.extend(_move_waiting(url, found))
    # Every answer the form asks, as the console's page lists them (access needs too, which
    # an organiser must act on: hostile12a NEW-6).
    for field in ANSWER_FIELDS:
        if field not in ("name", "email"):
            lines.append(f"{FIELD_NAMES[field]}: {found.get(field) or '(not given)'}")
    return "\n".join(lines)


def _move_waiting(url: str, found: dict[str, Any]) -> list[str]:
    """The booking's move that waits, as the console says it: for a dearer cohort's
    difference (the link emailed, the seat held until its deadline), or on a full cohort's
    waiting list. Times in the cohort's own zone, to the minute."""
    pending, waiting = found.get("pending_move"), found.get("waiting_move")
    move = pending or waiting
    if not move:
        return []
    status, payload = send("GET", f"{url}/courses/{quote(move['to_course_id'])}", None)
    course = read_json(payload) if status < 400 else None
    name = _name_of(course) if course else move["to_course_id"]
    zone = course["timezone"] if course else "Europe/London"
    if pending:
        until = moment_when(_instant(pending["expires_at"]), zone)
        more = money_words(int(pending["difference"]), pending["currency"])
        return [
            f"Move waiting for payment: to {name}, {more} more; the person was emailed a link "
            f"to pay it, and a place there is held until {until}"
        ]
    asked = moment_when(_instant(move["asked_at"]), zone)
    return [
        f"Move waiting for a place: on the waiting list of {name} since {asked}; the booking "
        f"moves when a place frees there"
    ]


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def totals(url: str, token: str | None, course_id: str, *, as_json: bool = False) -> str:
    money = get_json(f"{url}/admin/courses/{segment(course_id, 'course')}/totals", token)
    if as_json:
        return json.dumps(money, indent=2)
    # The figures named and said as the console's money page says them.
    return "\n".join(
        [f"Bookings: {bookings_said(money)}"]
        + [f"{name}: {amount}" for name, amount in money_figures(money)]
    )


# The schedule's runs are said in UK time, as the sessions are.
UK_TIME = "Europe/London"


def run_said(answer: str) -> str:
    """A scheduled run's answer in words: what it did, as of the time it ran for."""
    try:
        run = json.loads(answer)
    except json.JSONDecodeError:
        return answer
    if not isinstance(run, dict) or "time" not in run:
        return answer
    when = moment_when(datetime.fromisoformat(str(run["time"]).replace("Z", "+00:00")), UK_TIME)

    def count(key: str, one: str, many: str) -> str:
        n = int(run.get(key) or 0)
        return f"{n} {one if n == 1 else many}"

    # Reminders due to people erased since are not queued: said as skipped, never as sent.
    skipped = (
        f"{count('skipped_erased', 'reminder', 'reminders')} skipped (their people were erased), "
        if run.get("skipped_erased")
        else ""
    )
    # People waiting (on the list, or for a review) told that applications closed: said when
    # there were any.
    ended = (
        f"{count('waits_ended', 'person', 'people')} waiting (on the list or for a review) "
        "told applications closed, "
        if run.get("waits_ended")
        else ""
    )
    return (
        f"Ran the schedule as of {when}: "
        f"{count('queued', 'reminder', 'reminders')} queued, {skipped}"
        f"{count('holds_released', 'unpaid hold', 'unpaid holds')} released, "
        f"{count('offers_made', 'place', 'places')} offered to the waiting list, {ended}"
        f"{count('emails_relayed', 'email', 'emails')} relayed."
    )


def function_answer(answer: dict[str, Any]) -> str:
    """What a deployed function answered; its error (a run ahead of its clock refused, or a
    failure) as a refusal saying the function's own words, never its stack trace."""
    payload = str(answer["Payload"].read().decode())
    if not answer.get("FunctionError"):
        return payload
    try:
        error = json.loads(payload)
    except json.JSONDecodeError:
        error = {}
    said = error.get("errorMessage") if isinstance(error, dict) else None
    raise CliError(f"the reminders function did not run: {said or 'it failed'}")


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
        return function_answer(answer)
    if not url:
        raise CliError("give --url of a local stack or --function of a deployed one")
    status, payload = send("POST", f"{url}/_local/scheduler/tick", None, {"time": moment})
    return checked(status, payload).decode()


def backfill_billing_index(url: str, token: str | None, *, as_json: bool = False) -> str:
    """Page through every course (``POST /admin/billing-index/backfill``), adding up what each
    call wrote: the billing-contact lookups older applications lacked."""
    pages: list[dict[str, Any]] = []
    body: dict[str, Any] = {}
    while True:
        page = post_json(f"{url}/admin/billing-index/backfill", token, body)
        if not isinstance(page, dict):
            raise CliError("the API answered something other than a backfill's page")
        pages.append(page)
        if not page.get("next_course_id"):
            break
        body = {"course_id": page["next_course_id"]}
    if as_json:
        return json.dumps(pages, indent=2)

    def total(key: str) -> int:
        return sum(int(p.get(key) or 0) for p in pages)

    courses = sum(1 for p in pages if p.get("course_id"))
    return (
        f"Backfilled the billing contacts' lookups of {courses} "
        f"{'course' if courses == 1 else 'courses'}: {total('written')} written, "
        f"{total('already_indexed')} there already, "
        f"{total('not_billed')} with no billing contact to index."
    )
