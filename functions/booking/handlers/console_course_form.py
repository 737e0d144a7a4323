"""The console's form for a course (a new one, or one to edit), with the error summary that
names each field as the form shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from booking.domain.course import Course
from booking.domain.errors import Conflict, InvalidInput
from booking.handlers.console_pages import Chrome, console_page, course_dates
from booking.handlers.course_form import (
    ADDING,
    CHANGING,
    MAX_FACILITATORS,
    MAX_SESSIONS,
    NEXT_OF,
    TITLE_CHECKED,
    CourseForm,
    Upload,
    shown_again,
)
from booking.handlers.course_form_fill import cohort_stem, programme_choices, programme_shown
from booking.handlers.follow_ups_carried import (
    FOLLOW_UPS_OFFERED,
    Carried,
    gap_said,
)
from booking.services import course_drafts, courses
from booking.services.ports import Ports

FORM_LABELS = {
    "course_id": "Course id",
    "title": "Title",
    "programme": "Programme",
    "price": "Price",
    "currency": "Currency",
    "capacity": "Places",
    "offer_valid_hours": "Hours an offered place is held",
    "timezone": "Timezone",
    "enquiries_email": "Enquiries address",
    "joining_url": "Joining link",
    "reminder_offsets_hours": "Reminders",
    "decline_message": "Message for declined applicants",
    "organisation": "Organisation",
    "overview": "Overview",
    "audience": "Who it is for",
    "location": "Where",
    "invoice_due_days": "Days an invoice has to be paid in",
    "invoice_due_before_start_days": "Days before the first session an invoice falls due",
    "group_apply_by_days": "Days before the first session a group's colleagues apply by",
    "sessions": "Sessions",
}


@dataclass(frozen=True)
class FilledFrom:
    """The cohort *Add the next cohort* filled the form in from: its id (linked, and posted
    back) and its dates in words, UK time. Cohorts share a title, and the title on the form
    is the one typed, so the note names the cohort by its dates."""

    course_id: str
    dates: str


def filled_from(course: Course) -> FilledFrom:
    """The note's cohort: ``course`` by its dates ("Monday 7 June 2027 to ...")."""
    return FilledFrom(course.course_id, course_dates(course))


def course_form_page(
    chrome: Chrome,
    form: CourseForm,
    *,
    changing: str | None,
    upload_course_id: str = "",
    upload_errors: dict[str, str] | None = None,
    taken: Course | None = None,
    booked: int = 0,
    grouped: int = 0,
    next_of: FilledFrom | None = None,
    title_like: str = "",
    offered: bool = False,
    carried: Carried | None = None,
    to_carry: int = 0,
) -> str:
    """The form adding or changing a course. ``taken``: the course that has the id a course
    added was given (linked, to change it); ``booked``: how many people a change of its dates
    or times would email, said before the save; ``grouped``: how many managers and colleagues of
    its group bookings a move of their apply-by date may email; ``next_of``: the course whose
    next cohort is being added (its form carried over); ``title_like``: another cohort's title
    the one typed may be a mistyping of, warned beside it; ``carried``: the follow-ups
    of ``next_of`` just added to the form, moved as its sessions are; ``offered``: they were
    offered already (the form posts it back, so they are offered once)."""
    programmes = _programmes()
    shown = form.values | {"programme": programme_shown(form.values["programme"], programmes)}
    return console_page(
        "course_form.html",
        chrome,
        values=shown,
        sessions=form.sessions,
        facilitators=form.facilitators,
        max_sessions=MAX_SESSIONS,
        max_facilitators=MAX_FACILITATORS,
        errors=form.errors,
        labels=_form_labels(form),
        # The course being changed, headed with its title as saved (None: a course added).
        editing=changing is not None,
        stored_title=changing or "",
        upload_course_id=upload_course_id,
        upload_errors=upload_errors or {},
        adding_field=ADDING,
        changing_field=CHANGING,
        taken=taken,
        booked=booked,
        grouped=grouped,
        follow_up_choices=_follow_up_choices(),
        programmes=programme_choices(programmes),
        next_of=next_of,
        next_of_field=NEXT_OF,
        cohort_stem=cohort_stem(next_of.course_id if next_of else ""),
        title_like=title_like,
        title_checked_field=TITLE_CHECKED,
        **_follow_ups_said(to_carry, offered, carried),
    )


def _follow_ups_said(to_carry: int, offered: bool, carried: Carried | None) -> dict[str, Any]:
    """What the form says of the follow-ups *Add the next cohort* carries over: how
    many the cohort has (``to_carry``), before they are offered; how many were added and how
    far they moved."""
    return {
        "follow_ups_field": FOLLOW_UPS_OFFERED,
        "follow_ups_offered": offered,
        "follow_ups_to_carry": 0 if offered else to_carry,
        "carried_count": carried.count if carried else 0,
        "carried_gap": gap_said(carried.gap) if carried else "",
    }


def _follow_up_choices() -> list[tuple[str, str]]:
    """The programmes' follow-ups to choose a session's id from."""
    from booking.bootstrap import ports  # the page's one read beyond the form it is given
    from booking.services.follow_ups import follow_up_choices

    return follow_up_choices(ports())


def _programmes() -> list[course_drafts.Programme]:
    """The programmes to choose one from by its title."""
    from booking.bootstrap import ports  # the page's one read beyond the form it is given

    return course_drafts.programmes(ports())


def refused_course_page(
    chrome: Chrome,
    ports: Ports,
    typed: CourseForm,
    upload: Upload | None,
    refused: InvalidInput | Conflict,
    *,
    own: str,
    next_of: FilledFrom | None = None,
    offered: bool = False,
) -> str:
    """The form again after a refused save, each mistake beside its field: headed *Change a
    course* when posted by course ``own``'s page (its file refused: its form as stored),
    *Add a course* when ``own`` is "" (``next_of``: the course its form was filled in from)."""
    changing = courses.stored_title(ports, own)
    stored = courses.get_course(ports, own).definition if upload and changing else None
    again = shown_again(typed, upload, refused, stored)
    return course_form_page(
        chrome,
        again.form,
        changing=changing,
        upload_course_id=again.upload_course_id,
        upload_errors=again.upload_errors,
        taken=refused.course if isinstance(refused, courses.CourseIdTaken) else None,
        next_of=next_of,
        offered=offered,
    )


def _form_labels(form: CourseForm) -> dict[str, str]:
    """How the error summary names each field, rows included ("Session 2, date")."""
    labels = dict(FORM_LABELS)
    for name in form.errors:
        parts = name.split("-")
        if len(parts) == 3 and parts[1].isdigit():
            labels[name] = f"{parts[0].title()} {int(parts[1]) + 1}, {parts[2].replace('_', ' ')}"
    return labels
