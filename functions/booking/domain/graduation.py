"""Whether a booking completed its course, in the words an organiser reads on the course's
list of applications and in the roster CSV (organiser22 F20): one rule with the register's
(``domain.register``), said the same everywhere.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.register import keeps_register, on_register

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
