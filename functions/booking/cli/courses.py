"""The course verbs (``courses``, ``course``, ``load-course``, ``roster``, ``totals``): each
asks the organiser API (:mod:`booking.cli.client`) and says its answer as the console says it
(``domain/wording.py``): statuses and times in words, money in pounds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from booking.cli.client import (
    checked,
    course_path,
    get_json,
    read_json,
    segment,
    send,
)
from booking.cli.errors import CliError
from booking.cli.said import (
    answered,
    course_named,
    ended,
    name_of,
    places_of,
    roster_status_words,
    session_said,
)
from booking.domain.course_money import bookings_said, money_figures
from booking.domain.covered import paid_for_them
from booking.domain.json_once import GivenTwice, loads_once_each
from booking.domain.statuses import person_shown
from booking.domain.wording import (
    ENDED_WORDS,
    course_state_said,
    money_words,
)

# A course definition is a few kilobytes; the API takes at most 64 KiB.
MAX_DEFINITION_BYTES = 1024 * 1024


def _not_taken(course: dict[str, Any]) -> int:
    """Places no seat holds, as the console counts them (not a newcomer's ``places_left``)."""
    return int(course.get("places_not_taken", course["places_left"]))


def _state(course: dict[str, Any]) -> str:
    """Its state as the console says it: a full one with places not taken says so and why."""
    return course_state_said(
        course["status"],
        ended=ended(course),
        free=_not_taken(course),
        too_late_to_offer=bool(course.get("no_more_offers")),
    )


def list_courses(url: str, token: str | None) -> str:
    """Every course, from the organiser API's list, which carries each one's places (one call
    for all): its state, its places as the console says them (an ended one's are over), its
    price."""
    lines = []
    for course in get_json(f"{url}/admin/courses", token):
        price = money_words(course["price"]["amount"], course["price"]["currency"])
        places = "" if ended(course) else f" {places_of(course['places'], course['capacity'])};"
        lines.append(
            f"{name_of(course)} [{course['course_id']}]: {_state(course)},{places} {price} a place"
        )
    return "\n".join(lines) if lines else "No courses yet."


def show_course(url: str, token: str | None, course_id: str) -> str:
    course = get_json(f"{url}/courses/{segment(course_id, 'course')}", None)
    money = get_json(f"{course_path(url, course_id)}/totals", token)
    price = course["price"]
    lines = [
        f"{name_of(course)} [{course['course_id']}]",
        f"Status: {_state(course)}"
        + (", applications need approval" if course["approval_required"] else ""),
        f"Places: {places_of(money['places'], int(course['capacity']), is_over=ended(course))}",
        f"Price: {money_words(price['amount'], price['currency'])}",
        "Sessions (UK time):",
    ]
    for session in course["sessions"]:
        named = f"Follow-up: {session['title']}" if session["kind"] == "follow_up" else ""
        said = session_said(session, course["timezone"])
        lines.append(f"  {said}  {named or session['title']}")
    return "\n".join([*lines, "", _totals_said(money)])


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
        return loads_once_each(data.decode("utf-8-sig"))  # each key once
    except GivenTwice as twice:
        raise CliError(f"{path} has a mistake: {twice}") from None
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
        ENDED_WORDS.lower() if ended(course) else places_of(course["places"], course["capacity"])
    )
    sessions = len(course["sessions"])
    named = f"{name_of(course)} [{course['course_id']}]"  # as `courses` lists it
    said = f"{verb} {named}: {sessions} session{'' if sessions == 1 else 's'}, {places}"
    return "\n".join([said, *(f"Warning: {w}" for w in course.get("warnings") or [])])


def roster(url: str, token: str | None, course_id: str, shape: str) -> str:
    suffix = "?format=csv" if shape == "csv" else ""
    body = checked(*send("GET", f"{course_path(url, course_id)}/applications{suffix}", token))
    if shape == "csv":
        return body.decode("utf-8")
    rows = read_json(body)
    if shape == "json":
        return answered(rows)
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
    source = course_named(url, moving["from_course_id"])
    if moving["kind"] == "waiting":
        return f"on the waiting list: a move from {source}"
    return f"seat held for a move from {source} (difference not yet paid)"


def totals(url: str, token: str | None, course_id: str, *, as_json: bool = False) -> str:
    money = get_json(f"{course_path(url, course_id)}/totals", token)
    if as_json:
        return answered(money)
    return _totals_said(money)


def _totals_said(money: dict[str, Any]) -> str:
    """The figures named and said as the console's money page says them."""
    return "\n".join(
        [f"Bookings: {bookings_said(money)}"]
        + [f"{name}: {amount}" for name, amount in money_figures(money)]
    )
