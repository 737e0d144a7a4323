"""The console's *Change a course* form carries every field of the definition: a course saved
through it as the page shows it, nothing typed, is stored exactly as it was (the
form had no ``group_apply_by_days``, so retitling a course put the default 7 back, moved every
group's apply-by date a week and emailed managers and colleagues that the dates had changed)."""

from __future__ import annotations

from typing import Any

from booking.domain.course import CourseDefinition
from tests.support.console import signed_in
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

# Every field the definition has, away from its default, so a field the form drops shows.
NOT_DEFAULTS: dict[str, Any] = {
    "programme": "kept-programme",
    "organisation": "Kept Organisation",
    "overview": "An overview.\n\nIn two paragraphs.",
    "audience": "Who it is for",
    "location": "Room 4",
    "timezone": "America/New_York",
    "price": {"amount": 12345, "currency": "eur"},
    "capacity": 13,
    "approval_required": True,
    "enquiries_email": "enquiries@example.org",
    "joining_url": "https://example.org/join/kept",
    "reminder_offsets_hours": [48, 2, 1],
    "offer_valid_hours": 72,
    "invoice_allowed": True,
    "invoice_due_days": 14,
    "invoice_due_before_start_days": 3,
    "po_required": True,
    "decline_message": "Sorry: the course is full of people who applied first.",
    "group_apply_by_days": 0,
    "closed": True,
    "completion_min_sessions": 4,
}


def _change_form(page: str) -> dict[str, str]:
    """The fields the page's fill-in form posts (the form that is not the file's)."""
    filled = [fields for _, fields in forms_on(page) if "title" in fields]
    assert len(filled) == 1, "the page has no fill-in course form"
    return filled[0]


def test_every_field_of_the_definition_is_away_from_its_default() -> None:
    fields = CourseDefinition.model_fields
    unset = set(fields) - set(NOT_DEFAULTS) - {"title", "sessions", "facilitators"}
    assert not unset, f"give these a value that is not their default: {sorted(unset)}"
    for name, value in NOT_DEFAULTS.items():
        if not fields[name].is_required():
            assert value != fields[name].get_default(call_default_factory=True), name


def test_a_course_saved_unchanged_through_the_form_is_stored_as_it_was(system: System) -> None:
    course = {**system.course_file(), **NOT_DEFAULTS}
    course["sessions"][0] |= {"title": "Opening", "home_practice": "Ten minutes a day"}
    put = system.admin("PUT", f"/courses/{COURSE_ID}", json_body=course)
    assert put.status == 200, put.body
    before = system.stored_course(COURSE_ID)
    browser = signed_in(system)
    fields = _change_form(browser.get(f"/console/courses/{COURSE_ID}/edit").body)
    assert fields["group_apply_by_days"] == "0"
    saved = browser.post("/console/courses", **fields)  # the page's own CSRF token
    assert saved.status == 303, text_of(saved.body)[:800]
    after = system.stored_course(COURSE_ID)
    stored, was = after.definition.model_dump(), before.definition.model_dump()
    for name in CourseDefinition.model_fields:
        assert stored[name] == was[name], name
