"""The course form's *Days before the first session a group's colleagues apply by*: a cleared box
was saved as the default 7, " 3 ", "+2" and "007" were read as numbers, and
any change emailed the group's manager (and colleagues) with no warning before the save nor
word after it. Now an empty or oddly typed box is refused beside it, nothing saved and nobody
emailed; the change form says how many a change may email; the notice after the save says
how many group bookings' dates moved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import (
    ConsoleBrowser,
    course_saved_said,
    error_beside,
    stored_course_fields,
)
from tests.support.groups import MANAGER, book, paid_card_group
from tests.support.system import COURSE_ID, System

FIELD = "group_apply_by_days"


def _with_a_paid_group(system: System) -> dict[str, Any]:
    system.put_course(COURSE_ID, system.course_file(COURSE_ID) | {FIELD: 0})
    group = paid_card_group(system)
    system.deliver_emails()
    return group


@pytest.mark.parametrize("typed", ["", " ", " 3 ", "+2", "007", "3.5", "-1", "1e1"])
def test_an_empty_or_oddly_typed_box_is_refused_and_nobody_emailed(
    system: System, browser: ConsoleBrowser, typed: str
) -> None:
    group = _with_a_paid_group(system)
    before = system.stored_group(group).apply_by
    reply = browser.act("/console/courses", **{**stored_course_fields(system), FIELD: typed})
    assert reply.status == 422, reply.body[:300]
    assert error_beside(reply.body, FIELD)
    course = system.stored_course(COURSE_ID)
    assert course.definition.group_apply_by_days == 0  # nothing saved
    assert system.stored_group(group).apply_by == before
    assert system.deliver_emails() == []


def test_the_form_warns_whom_a_change_may_email_and_the_save_says_what_moved(
    system: System, browser: ConsoleBrowser
) -> None:
    assert "may be emailed if you change this number" not in browser.words(
        f"/console/courses/{COURSE_ID}/edit"
    )
    group = _with_a_paid_group(system)
    places = len(group["places"])
    said = browser.words(f"/console/courses/{COURSE_ID}/edit")
    # No individual booking here: the warning of a group's emails stands on its own.
    assert f"{1 + places} people may be emailed if you change this number" in said

    notice = course_saved_said(browser, {**stored_course_fields(system), FIELD: "3"})
    assert "1 group booking's apply-by date moved: its manager is emailed the new date" in notice
    assert system.deliver_emails()  # the manager (and the colleagues) told, as said


def test_an_erased_manager_is_neither_counted_nor_said_as_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    # The warning counted the erased manager, and the notice said "its manager is
    # emailed the new date" though nothing could reach them.
    group = _with_a_paid_group(system)
    places = len(group["places"])
    assert system.admin("DELETE", f"/people/{MANAGER}").status == 200
    system.deliver_emails()
    said = browser.words(f"/console/courses/{COURSE_ID}/edit")
    assert f"{places} people may be emailed if you change this number" in said

    notice = course_saved_said(browser, {**stored_course_fields(system), FIELD: "3"})
    assert "1 group booking's apply-by date moved: no manager is emailed the new date" in notice
    sent = system.deliver_emails()
    assert len(sent) == places  # the colleagues, sent their links again; the manager nothing


@pytest.mark.parametrize(
    "field", ["invoice_due_before_start_days", "invoice_due_days", "offer_valid_hours", "capacity"]
)
@pytest.mark.parametrize("typed", ["", " 3 ", "+2", "007", "1_0", "3.0", "\t3", "\u0662"])
def test_every_whole_number_box_takes_the_same_rule(
    system: System, browser: ConsoleBrowser, field: str, typed: str
) -> None:
    # The other whole-number boxes took "+2", "007", " 3 ", and a cleared box
    # was saved as the default (a due lead of 14 days silently 7).
    fields = stored_course_fields(system)
    reply = browser.act("/console/courses", **{**fields, field: typed})
    assert reply.status == 422, reply.body[:300]
    assert error_beside(reply.body, field)
    course = system.stored_course(COURSE_ID)
    assert str(getattr(course.definition, field)) == fields[field]  # nothing saved


@pytest.mark.parametrize("typed", ["\u0662\u0664", "2_4", "24.0"])
def test_reminder_hours_are_plain_digits(
    system: System, browser: ConsoleBrowser, typed: str
) -> None:
    # "٢٤" (Arabic-Indic digits) was read as 24 hours.
    fields = stored_course_fields(system)
    reply = browser.act("/console/courses", **{**fields, "reminder_offsets_hours": typed})
    assert reply.status == 422, reply.body[:300]
    assert error_beside(reply.body, "reminder_offsets_hours")


def test_an_unpaid_groups_move_is_not_said_as_emailed(
    system: System, browser: ConsoleBrowser
) -> None:
    # "its manager is emailed the new date" for a group not paid yet, whose
    # manager is given the date when it is paid.
    system.put_course(COURSE_ID, system.course_file(COURSE_ID) | {FIELD: 0})
    assert book(system, course=COURSE_ID).status == 201
    system.deliver_emails()
    notice = course_saved_said(browser, {**stored_course_fields(system), FIELD: "3"})
    assert "1 group booking's apply-by date moved: no manager is emailed the new date" in notice
    assert system.deliver_emails() == []
