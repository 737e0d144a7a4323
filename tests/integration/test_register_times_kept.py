"""A session held and marked keeps its date and times, and once the register is closed every
core session keeps them: a course save that moves one is refused 409 ``register_kept`` in
words naming the session, on the organiser API and the console's course form alike, nothing
saved and nobody told (a closed register's session moved into the future,
everyone told "Changed dates" of a course that was over)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from booking.handlers.course_form import form_of
from tests.support.console import posted_fields, signed_in
from tests.support.courses import register_course
from tests.support.page_text import text_of
from tests.support.system import System

COURSE = "kept-times"
REGISTER = f"/courses/{COURSE}/register"


def _definition(days: list[date], ends: tuple[str, ...] = ("12:30",) * 3) -> dict[str, Any]:
    return register_course(
        [
            {"date": day.isoformat(), "start_time": "10:00", "end_time": end}
            for day, end in zip(days, ends, strict=True)
        ]
    )


def _put(system: System, definition: dict[str, Any]) -> Any:
    return system.admin("PUT", f"/courses/{COURSE}", json_body=definition)


def _changed_dates(system: System) -> list[str]:
    return [m.subject for m in system.deliver_emails() if m.subject.startswith("Changed dates")]


def test_a_held_and_marked_session_and_a_closed_register_keep_their_times(
    system: System,
) -> None:
    first = datetime.now(UTC).date() + timedelta(days=10)
    days = [first + timedelta(days=7 * n) for n in range(3)]
    assert _put(system, _definition(days)).status == 201
    ada = system.booked(COURSE, name="Ada Lovelace", email="ada@example.org")
    system.deliver_emails()
    system.clock_offset += timedelta(days=11)  # the first session held, the others to come
    s1 = system.admin("GET", REGISTER).json()["sessions"][0]["key"]
    marked = system.admin(
        "POST",
        f"{REGISTER}/marks",
        json_body={"application_id": ada["application_id"], "session": s1, "mark": "attended"},
    )
    assert marked.status == 200, marked.body

    # Held and marked: moved, refused in words naming it; the sessions not yet held may move.
    moved_first = _put(system, _definition([first + timedelta(days=1), *days[1:]]))
    error = moved_first.refused(409, "register_kept")
    assert f"Session 1 of 3 must stay on {first:%A} {first.day} {first:%B %Y}" in error["message"]
    assert "it has begun, and people are marked for it" in error["message"]
    assert system.course(COURSE)["sessions"][0]["start"].startswith(first.isoformat())
    assert _changed_dates(system) == []  # nobody told
    later = [*days[:2], days[2] + timedelta(days=1)]
    assert _put(system, _definition(later)).status == 200
    assert len(_changed_dates(system)) == 1

    system.clock_offset += timedelta(days=30)  # the course over
    assert system.admin("POST", f"{REGISTER}/close").status == 200
    system.deliver_emails()
    # Closed: every core session keeps its times, those nobody was marked for included, and
    # a held session's end too.
    for moved, which in (
        (_definition([days[0], days[1] + timedelta(days=40), later[2]]), "Session 2 of 3"),
        (_definition(later, ends=("12:30", "12:30", "13:30")), "Session 3 of 3"),
    ):
        reply = _put(system, moved)
        assert reply.status == 409, reply.body
        said = reply.json()["error"]["message"]
        assert said.startswith("this course's register is closed, so"), said
        assert f"{which} must stay on" in said
    # The console's course form says the same, and saves nothing.
    browser = signed_in(system)
    saved = system.stored_course(COURSE)
    fields = posted_fields(form_of(COURSE, saved.definition))
    refused = browser.act(
        "/console/courses",
        **{**fields, "session-1-date": (days[1] + timedelta(days=40)).isoformat()},
    )
    assert refused.status == 409, refused.body[:300]
    assert "Session 2 of 3 must stay on" in text_of(refused.body)
    assert system.ports.repository.get_course(COURSE) == saved
    assert _changed_dates(system) == []  # nobody told of a course that is over
    # Its wording may still change.
    renamed = {**_definition(later), "title": "Compassionate Leadership"}
    assert _put(system, renamed).status == 200
