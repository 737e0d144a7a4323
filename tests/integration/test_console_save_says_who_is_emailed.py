"""Saving a course whose session times changed says who will be emailed (organiser20 F16: the
page said only "Course saved." while everyone booked got "Changed dates"): the count comes
from the rule that queues those emails (``services.courses.tell_of_changes``), so it is the
number of messages that go; a save that changes no date says nothing of emails."""

from __future__ import annotations

from typing import Any

import pytest

from booking.handlers.course_form import form_of
from tests.support.console import ConsoleBrowser, posted_fields, signed_in
from tests.support.system import COURSE_ID, System

TOLD = "will be emailed the changed dates and times, with a calendar update."


@pytest.fixture
def browser(system: System) -> ConsoleBrowser:
    return signed_in(system)


def _fields(system: System) -> dict[str, str]:
    course = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    return posted_fields(form_of(COURSE_ID, course.definition))


def _saved_said(browser: ConsoleBrowser, fields: dict[str, Any]) -> str:
    saved = browser.act("/console/courses", **fields)
    assert saved.status == 303, saved.body
    return browser.words(saved.headers["location"])


def test_a_changed_time_says_how_many_people_are_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    for n in (1, 2):
        applied = system.apply(email=f"booked{n}@example.org").json()
        assert system.pay(applied["checkout_url"]).status == 200
    system.apply(email="paying@example.org")  # not booked yet: not told
    system.deliver_emails()
    fields = _fields(system)

    said = _saved_said(browser, {**fields, "session-2-start_time": "14:00"})

    assert f"Course saved. 2 people {TOLD}" in said
    changed = [m for m in system.deliver_emails() if m.subject.startswith("Changed dates")]
    assert len(changed) == 2
    # Saved again as it now is, or with only its places changed: nobody is emailed, none said.
    again = _saved_said(browser, {**_fields(system), "capacity": "25"})
    assert "Course saved." in again
    assert TOLD not in again
    assert not [m for m in system.deliver_emails() if m.subject.startswith("Changed dates")]


def test_one_person_is_said_as_one(system: System, browser: ConsoleBrowser) -> None:
    applied = system.apply().json()
    assert system.pay(applied["checkout_url"]).status == 200
    said = _saved_said(browser, {**_fields(system), "session-0-end_time": "16:30"})
    assert f"1 person {TOLD}" in said


def test_the_change_form_warns_whom_a_new_time_would_email(
    system: System, browser: ConsoleBrowser
) -> None:
    """Before the save: how many are booked, and that a new date or time emails them."""
    warning = "booked on this course: changing a session's date or time emails"
    assert warning not in browser.words(f"/console/courses/{COURSE_ID}/edit")  # nobody yet
    for n in (1, 2):
        applied = system.apply(email=f"booked{n}@example.org").json()
        assert system.pay(applied["checkout_url"]).status == 200
    system.apply(email="paying@example.org")  # not booked yet: not counted
    said = browser.words(f"/console/courses/{COURSE_ID}/edit")
    assert f"2 people are {warning} each of them the new times" in said
    # hostile28 H5/H9: those a save emails beyond this course's own bookings are named.
    assert "hold a follow-up this course hosts" in said
    assert "managers and colleagues of a group booking" in said
    assert "they are not in this count" in said
    assert warning not in browser.words("/console/courses/new")
