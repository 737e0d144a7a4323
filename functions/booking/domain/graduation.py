"""Whether a booking completed its course, in the words an organiser reads on the course's
list of applications and in the roster CSV: one rule with the register's
(``domain.register``), said the same everywhere.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.register import completed, core_sessions, keeps_register, on_register

COMPLETED = "Completed"
NOT_COMPLETED = "Did not complete"
NOT_DECIDED = "Not decided yet"


def completion_words(course: Course, application: Application) -> str:
    """ "Completed" or "Did not complete" once the register's closing decided it; "Not decided
    yet" for a booking on the register while it is open; "" for a booking the register does not
    list (never confirmed, cancelled before closing, erased) or a course that keeps no register.
    """
    done = application.completion
    if application.is_erased or not keeps_register(course):
        return ""
    if done is not None:
        return COMPLETED if done.completed else NOT_COMPLETED
    return NOT_DECIDED if on_register(application) else ""


def graduated_at(course: Course, application: Application, now: datetime) -> datetime | None:
    """When the booking made its person a graduate of the programme (the programme's graduates
    list): its register's closing, on a cohort that keeps one; the end of its last core session
    on one that keeps none. None while it is not a graduate's (not confirmed, erased, its cohort
    still running, or it did not complete), as ``domain.programme.graduated`` counts them."""
    core = core_sessions(course)
    if application.status is not ApplicationStatus.CONFIRMED or application.is_erased or not core:
        return None
    ended = max(s.end for s in core)
    if ended > now or not completed(course, application):
        return None
    done = application.completion
    return done.closed_at if keeps_register(course) and done is not None else ended
