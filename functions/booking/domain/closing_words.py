"""Why a course takes no applications, and since when, in one sentence wherever a person reads
its "Closed" (a course added close to its start showed "Closed" with no reason):
the console's course page and the public course page alike."""

from __future__ import annotations

from booking.domain.course import CHECKOUT_HOLD_SAID, Course
from booking.domain.time_words import moment_when

CLOSED_BY_ORGANISERS = (
    "Applications closed: the organisers closed them (Closed to new applications, on the "
    "course's form)"
)
CLOSED_PUBLICLY = "Applications are closed"


def applications_closed_said(course: Course, *, organisers: bool) -> str:
    """Why applications to ``course`` are closed, when they are: closed by its dates (they close
    a checkout's hold before the first session, at the moment it names), or by the organisers
    (``organisers``: said to them; to the public, without the form's words)."""
    if course.definition.closed:
        return CLOSED_BY_ORGANISERS if organisers else CLOSED_PUBLICLY
    when = moment_when(course.applications_close_at(), course.definition.timezone)
    return f"Applications closed: they close {CHECKOUT_HOLD_SAID} before the first session ({when})"
