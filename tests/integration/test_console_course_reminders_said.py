"""A course's console page lists its sessions in UK time, each with when its reminders go: the
reminders were set on the course form and shown nowhere after, so an organiser could not tell
what the attendees would be sent, or when, before it went."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def test_the_course_page_says_when_each_sessions_reminders_go(system: System) -> None:
    browser = signed_in(system)

    said = text_of(browser.get(f"/console/courses/{COURSE_ID}").body)

    # The sample's first session, Monday 7 June 2027 15:00-17:00 BST; reminders 24 h and 1 h.
    assert "Session 1 of 6 Monday 7 June 2027, 15:00-17:00 BST" in said
    assert (
        "Sunday 6 June 2027 at 15:00 BST (24 hours before); "
        "Monday 7 June 2027 at 14:00 BST (1 hour before)"
    ) in said
    # A follow-up after the clocks go back is said in GMT, its reminders too.
    assert (
        "Follow-up 3 of 4: Reviewing our learning and practice "
        "Tuesday 23 November 2027, 13:00-14:00 GMT "
        "Monday 22 November 2027 at 13:00 GMT (24 hours before); "
        "Tuesday 23 November 2027 at 12:00 GMT (1 hour before)"
    ) in said


def test_a_course_without_reminders_says_how_to_send_them(system: System) -> None:
    browser = signed_in(system)
    system.put_course("quiet", system.course_file() | {"reminder_offsets_hours": []})

    said = text_of(browser.get("/console/courses/quiet").body)

    assert (
        "No reminders are sent: set Reminders, hours before each session in Change this "
        "course to send some."
    ) in said
    assert "hours before)" not in said


def test_reminders_whose_time_has_passed_and_sessions_begun_say_so(system: System) -> None:
    # Monday 14 June 2027 at 13:30 BST: session 1 has been, session 2's day-before reminder
    # has gone, its hour-before one (14:00 BST) has not.
    system.clock_offset += datetime(2027, 6, 14, 12, 30, tzinfo=UTC) - system.now()
    browser = signed_in(system)  # signed in on that day: a sign-in lasts hours, not months

    said = text_of(browser.get(f"/console/courses/{COURSE_ID}").body)

    assert "Session 1 of 6 Monday 7 June 2027, 15:00-17:00 BST None: the session has begun" in said
    assert (
        "Session 2 of 6 Monday 14 June 2027, 15:00-17:00 BST "
        "Sunday 13 June 2027 at 15:00 BST (24 hours before, its time has passed); "
        "Monday 14 June 2027 at 14:00 BST (1 hour before)"
    ) in said
