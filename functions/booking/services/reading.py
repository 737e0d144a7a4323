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


def stored_applications(ports: Ports, course: Course) -> list[Application]:
    """``course``'s applications as stored, the earliest first: what holds its seats (the
    course's seat counter counts these until the sweep releases a lapsed hold)."""
    return sorted(
        ports.repository.list_applications(course.course_id),
        key=lambda a: (a.created_at, a.application_id),
    )


def applications_as_read(
    ports: Ports, course: Course, now: datetime, stored: list[Application] | None = None
) -> list[Application]:
    """``course``'s applications as read at ``now``, the earliest first (``stored``: them as
    :func:`stored_applications` gave them, when the caller has read them already)."""
    found = stored_applications(ports, course) if stored is None else stored
    return [as_read(application, course, now) for application in found]
