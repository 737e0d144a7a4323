"""The console's course form: adding a course (blank, or the next cohort of one), changing
one, and saving either (registered on the console's resolver, ``handlers/console_app.py``)."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from booking.domain.course import CourseDefinition
from booking.domain.errors import Conflict, InvalidInput, NotFound
from booking.handlers import course_form, course_form_fill, course_saved, http
from booking.handlers.console_app import (
    after_action,
    chrome,
    html_page,
    posted_form,
    query_value,
    served,
)
from booking.handlers.console_course_form import (
    FilledFrom,
    course_form_page,
    filled_from,
    refused_course_page,
)
from booking.handlers.follow_ups_carried import FOLLOW_UPS_OFFERED, carried_over, follow_ups_of
from booking.handlers.resolver import Response
from booking.services import course_drafts, courses


@served("consoleNewCourse")
def new_course() -> Response[str]:
    """*Add a course*; ``from``: the course whose next cohort it adds,
    everything carried over but the dates, nothing saved until the organiser saves."""
    cohort = query_value("from")
    if not cohort:
        blank = course_form.blank_form()
        return html_page(200, course_form_page(chrome(), blank, changing=None))
    source = courses.get_course(ports(), cohort)
    form = course_form_fill.next_cohort_form(source.definition)
    to_carry = follow_ups_of(source.definition)  # offered once the new dates are typed
    page = course_form_page(
        chrome(), form, changing=None, next_of=filled_from(source), to_carry=to_carry
    )
    return html_page(200, page)


@served("consoleCourseCalendar")
def course_calendar(course_id: str) -> Response[str]:
    # Loaded by its link: no other page needs the calendar writer.
    from booking.services.course_calendar import course_calendar

    filename, body = course_calendar(ports(), course_id)
    # The joining link is in it: never cached.
    headers = {"Content-Disposition": http.attachment(filename), "Cache-Control": "no-store"}
    return Response(200, "text/calendar; charset=utf-8", body, headers)


@served("consoleEditCourse")
def edit_course(course_id: str) -> Response[str]:
    stored = courses.get_course(ports(), course_id)
    form = course_form.form_of(course_id, stored.definition)
    from booking.services.group_dates import told_of_new_apply_by  # group models: on demand

    booked = courses.date_change_emails(ports(), course_id)
    grouped = told_of_new_apply_by(ports(), course_id)
    page = course_form_page(
        chrome(), form, changing=stored.definition.title, booked=booked, grouped=grouped
    )
    return html_page(200, page)


@served("consoleSaveCourse")
def save_course() -> Response[str]:
    posted = posted_form()
    upload = course_form.upload_in(posted)
    typed = course_form.read_form(posted)
    # Posted by *Add a course* (either of its forms): a course that has the id is refused,
    # never replaced; a course's own page changes it.
    adding = posted.get(course_form.ADDING) == "yes"
    change = posted.get("rows")
    offered = posted.get(FOLLOW_UPS_OFFERED) == "yes"
    if upload is None and isinstance(change, str) and change:
        # "Add a session", "Remove facilitator 2": the form again, nothing saved yet.
        changed = typed.with_rows_changed(change)
        changing = None if adding else courses.stored_title(ports(), typed.values["course_id"])
        page = course_form_page(
            chrome(), changed, changing=changing, next_of=_next_of(posted), offered=offered
        )
        return html_page(200, page)
    course_id = upload.course_id if upload else typed.values["course_id"]
    as_typed = typed  # the form brought back to check: the ids it left empty still empty
    try:
        if upload is None:
            # A programme refused (a title two share, a control character) is said beside it.
            filled_from = _next_of(posted)
            typed = _filled_in(
                typed, adding=adding, next_of=filled_from.course_id if filled_from else ""
            )
            course_id = typed.values["course_id"]
        definition = (
            course_form.definition_from_file(upload)
            if upload
            else course_form.definition_from_form(typed)
        )
        # Only a form that would save: its own mistakes are said first, as before.
        if upload is None and adding and not offered and (carried := _carried(posted, as_typed)):
            return html_page(200, carried)
        if upload is None and (warned := _title_warning(posted, course_id, definition)):
            return html_page(200, _title_checked_page(as_typed, adding, posted, warned))
        saved = courses.put_course(ports(), course_id, definition, adding=adding)
    except (InvalidInput, Conflict) as refused:
        # The course whose own page posted this ("": *Add a course*), its form shown again.
        own = upload.changing if upload else ("" if adding else course_id)
        refused_from = None if upload or not adding else _next_of(posted)
        page = refused_course_page(
            chrome(),
            ports(),
            typed,
            upload,
            refused,
            own=own,
            next_of=refused_from,
            offered=offered,
        )
        return html_page(http.status_for(refused), page)
    location, code = course_saved.saved_notice(saved)
    return after_action(location, course_saved.SAVED, code)  # "Course saved.", and who was offered


def _carried(posted: dict[str, Any], typed: course_form.CourseForm) -> str:
    """*Add the next cohort*'s first save, the cohort's follow-ups not yet offered: the form
    again with them added, moved as its sessions are, nothing saved; "" when there
    are none to carry (``follow_ups_carried.carried_over``)."""
    next_of = _next_of(posted)
    if next_of is None:
        return ""
    carried = carried_over(typed, courses.get_course(ports(), next_of.course_id).definition)
    if carried is None:
        return ""
    return course_form_page(
        chrome(), carried.form, changing=None, next_of=next_of, offered=True, carried=carried
    )


def _title_warning(posted: dict[str, Any], course_id: str, definition: CourseDefinition) -> str:
    """The other cohort's title the one typed looks a mistyping of, unless the form was
    pressed again with this very title after the warning (``TITLE_CHECKED``); "" when none."""
    checked = posted.get(course_form.TITLE_CHECKED)
    if isinstance(checked, str) and checked.strip() == definition.title.strip():
        return ""
    return courses.title_like_another(ports(), course_id, definition) or ""


def _title_checked_page(
    typed: course_form.CourseForm, adding: bool, posted: dict[str, Any], like: str
) -> str:
    """The form again, nothing saved, warning beside the title that it differs from another
    cohort's (``like``) by what may be a typo; pressed again with it, the course is saved."""
    changing = None if adding else courses.stored_title(ports(), typed.values["course_id"])
    return course_form_page(
        chrome(),
        typed,
        changing=changing,
        next_of=_next_of(posted) if adding else None,
        title_like=like,
        offered=posted.get(FOLLOW_UPS_OFFERED) == "yes",
    )


def _filled_in(
    typed: course_form.CourseForm, *, adding: bool, next_of: str = ""
) -> course_form.CourseForm:
    """The form as if the organiser had typed what the console fills in: a
    programme chosen by its title named by its slug; adding a course, its id (the next
    cohort's named as ``next_of`` is) and its follow-ups' ids made where left empty (a refused
    save shows them, to change)."""
    named = course_form_fill.programme_slug(
        typed.values["programme"], course_drafts.programmes(ports())
    )
    typed.values["programme"] = named
    if not adding:
        return typed
    # A cohort of no programme is a programme of its own, named by its id.
    follow_ups = course_drafts.follow_up_ids(ports(), named or typed.values["course_id"])
    return course_form_fill.with_ids_made(typed, follow_ups, next_of)


def _next_of(posted: dict[str, Any]) -> FilledFrom | None:
    """The course whose next cohort the form was filled in from (posted by *Add the next
    cohort*'s form), for its "Filled in from ..." note to stay on the form shown again (it was
    lost there once), named by its dates; None when none was posted, or it names no course."""
    cohort = posted.get(course_form.NEXT_OF)
    if not isinstance(cohort, str) or not cohort:
        return None
    try:
        return filled_from(courses.get_course(ports(), cohort))
    except NotFound:
        return None
