"""Applications as people and organisers read them: the one read path of every view (the
person's page and JSON, the /admin roster, record and CSV, the console's course and
application pages), so that each says the same of a booking (DESIGN: one truth).

What is shown is ``domain.offer_ends.as_read``: an offer past its deadline reads lapsed, and a
wait ended as applications closed reads so, before the sweep gets there. Actions and writes are
decided on the stored application, never on this reading.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.offer_ends import as_read
from booking.services.ports import Ports


def application_as_read(
    application: Application, course: Course | None, now: datetime
) -> Application:
    """``application`` as read at ``now`` (``course``: its course, when the caller has it)."""
    return as_read(application, course, now)


def applications_as_read(ports: Ports, course: Course, now: datetime) -> list[Application]:
    """``course``'s applications as read at ``now``, the earliest first."""
    return [
        as_read(application, course, now)
        for application in sorted(
            ports.repository.list_applications(course.course_id),
            key=lambda a: (a.created_at, a.application_id),
        )
    ]
