"""The console's *Add a course*: a course id another course has is refused beside the field,
with a link to change that course, and nothing about it changes (it replaced
the course, bookings and all, and emailed its people "Changed dates"); changing a course from
its own page, and ``PUT /admin/courses/{id}``, still replace. A definition file's price is in
pence, and the console says so before and after a save ("like 20", and 200
made a £2.00 course)."""

from __future__ import annotations

import json

import pytest

from booking.handlers.course_form import form_of
from tests.support.console import ConsoleBrowser, error_beside, posted_fields
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

ADDING = {"adding": "yes"}


def _booked(system: System) -> None:
    """A confirmed booking on the sample course, its emails sent."""
    applied = system.apply()
    assert applied.status == 201, applied.body
    assert system.pay(applied.json()["checkout_url"]).status == 200
    system.deliver_emails()


def _refused_beside(body: str, field: str) -> str:
    found = error_beside(body, field)
    assert found, body[:500]
    return text_of(found.group(1))


def test_the_add_forms_say_they_add(browser: ConsoleBrowser) -> None:
    page = browser.get("/console/courses/new").body
    assert page.count('<input type="hidden" name="adding" value="yes">') == 2
    edit = browser.get(f"/console/courses/{COURSE_ID}/edit").body
    assert 'name="adding"' not in edit


def test_adding_a_course_under_a_taken_id_changes_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    _booked(system)
    title = system.course()["title"]
    before = system.items()
    emailed = len(system.sent)
    course = system.stored_course(COURSE_ID)
    typed = {
        **posted_fields(form_of(COURSE_ID, course.definition)),
        "title": "Another course",
        "price": "50.00",
    }
    reply = browser.act("/console/courses", **typed, **ADDING)
    assert reply.status == 422, text_of(reply.body)[:500]
    said = _refused_beside(reply.body, "course_id")
    assert said.startswith(f"{title}, from Monday 7 June 2027 has this id already"), said
    assert f'<a href="/console/courses/{COURSE_ID}/edit">Change {title}' in reply.body
    # Still the form adding a course, the id typed kept to be changed.
    assert "<h1>Add a course</h1>" in reply.body
    assert f'id="course_id" name="course_id" value="{COURSE_ID}"' in reply.body
    assert system.items() == before
    system.deliver_emails()
    assert len(system.sent) == emailed
    # A row added to the refused form keeps it the form that adds.
    more = browser.act("/console/courses", **typed, **ADDING, rows="add-session")
    assert more.status == 200
    assert "<h1>Add a course</h1>" in more.body


def test_a_file_added_under_a_taken_id_changes_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    _booked(system)
    before = system.items()
    content = json.dumps({**system.course_file(), "title": "Replaced course"}).encode()
    reply = browser.upload(COURSE_ID, content, **ADDING)
    assert reply.status == 422, text_of(reply.body)[:500]
    assert "has this id already" in _refused_beside(reply.body, "upload_course_id")
    assert f'<a href="/console/courses/{COURSE_ID}/edit">' in reply.body
    assert system.items() == before


def test_a_course_is_still_added_and_changed(system: System, browser: ConsoleBrowser) -> None:
    course = system.stored_course(COURSE_ID)
    fields = posted_fields(form_of(COURSE_ID, course.definition))
    added = browser.act("/console/courses", **{**fields, "course_id": "a-new-cohort"}, **ADDING)
    assert added.status == 303, text_of(added.body)[:500]
    assert system.course("a-new-cohort")["title"] == system.course()["title"]
    # Changed from its own page (no ``adding``): replaced, as ever.
    changed = browser.act("/console/courses", **{**fields, "title": "A title changed"})
    assert changed.status == 303, text_of(changed.body)[:500]
    assert system.course()["title"] == "A title changed"
    # The organisers' API creates or replaces (CONTRACT.md).
    again = system.admin("PUT", f"/courses/{COURSE_ID}", json_body=system.course_file())
    assert again.status in (200, 201), again.body


def test_a_course_saved_meanwhile_is_not_replaced_by_one_added(system: System) -> None:
    """The check is part of the save: a course that has the id when the save decides is
    refused, and the repository writes a course it creates only while none has the id."""
    from booking.domain.errors import StaleWrite
    from booking.services.courses import CourseIdTaken, put_course

    definition = system.ports.repository.get_course(COURSE_ID).definition  # type: ignore[union-attr]
    with pytest.raises(CourseIdTaken):
        put_course(system.ports, COURSE_ID, definition, adding=True)
    with pytest.raises(StaleWrite):
        system.ports.repository.put_course(COURSE_ID, definition, creating=True)


def test_a_files_price_is_said_in_pence_and_saved_in_pounds(
    system: System, browser: ConsoleBrowser
) -> None:
    page = browser.get("/console/courses/new").body
    assert "its price is in pence (20000 for £200.00)" in page
    file = {**system.course_file(), "price": {"amount": "200", "currency": "gbp"}}
    refused = browser.upload("priced-in-pounds", json.dumps(file).encode(), **ADDING)
    assert refused.status == 422
    said = _refused_beside(refused.body, "definition")
    assert "Enter a whole number of pence (cents for eur and usd), like 20000 for £200.00" in said
    file["price"] = {"amount": 200, "currency": "gbp"}
    saved = browser.upload("priced-in-pounds", json.dumps(file).encode(), **ADDING)
    assert saved.status == 303, text_of(saved.body)[:500]
    assert "A place costs £2.00." in browser.words(saved.headers["location"])
