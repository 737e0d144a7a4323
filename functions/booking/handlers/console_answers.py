"""The console's "read all answers" page of a course: what each applicant
wrote, in the form's words, one after another, filtered by status, to read or print for the
facilitators' meeting instead of opening the applications one by one. Access needs are shown
plainly beside each name, said as none when none were given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from booking.bootstrap import ports
from booking.domain.application import Application
from booking.domain.wording import (
    FIELD_NAMES,
    answers_said,
    moment_when,
    status_shown,
    status_words,
)
from booking.handlers.console_app import chrome, html_page, query_value, served
from booking.handlers.console_pages import (
    Chrome,
    application_named,
    course_console_page,
    status_options,
)
from booking.handlers.resolver import Response
from booking.services.console import CourseApplications

if TYPE_CHECKING:
    from booking.domain.places_not_applied import GroupNotApplied

# Said in each applicant's heading, or beside it (access needs): not again among the answers.
# Their email address stays off a page printed for a meeting: it is on the application's page.
_NOT_REPEATED = frozenset({FIELD_NAMES["name"], FIELD_NAMES["email"]})
_ACCESS = FIELD_NAMES["accessibility_needs"]


@served("consoleCourseAnswers")
def answers(course_id: str) -> Response[str]:
    from booking.services.course_answers import course_answers  # this page's alone

    found = course_answers(ports(), course_id, query_value("status"))
    page = answers_page(chrome(), found.listing, found.not_applied)
    return html_page(422 if found.listing.problems else 200, page)


def answers_page(
    chrome: Chrome, listing: CourseApplications, not_applied: tuple[GroupNotApplied, ...] = ()
) -> str:
    """``not_applied``: the group places holding no application yet, said under the answers."""
    # Loaded with the answers page (as ``services.course_answers`` is), not the console's init.
    from booking.domain.places_not_applied import total_said

    course = listing.course
    zone = course.definition.timezone
    return course_console_page(
        "answers.html",
        chrome,
        course,
        status_options=status_options(listing),
        selected_status=listing.status.value if listing.status else "",
        chosen=status_words(listing.status.value) if listing.status else "",
        applicants=[_applicant(a, zone) for a in listing.applications],
        errors=listing.problems,
        not_applied=not_applied,
        not_applied_said=total_said(not_applied),
    )


def _applicant(application: Application, zone: str) -> dict[str, Any]:
    said = answers_said(application.answers, empty="")
    access = next(a["value"] for a in said if a["label"] == _ACCESS).strip()
    return {
        **application_named(application),
        "status": application.status.value,
        "status_shown": status_shown(application.status.value, application.status_reason),
        "applied": moment_when(application.created_at, zone),
        "access": access,
        "answers": [
            {**a, "value": a["value"] or "(not given)"}
            for a in said
            if a["label"] not in _NOT_REPEATED and a["label"] != _ACCESS
        ],
    }
