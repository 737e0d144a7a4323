"""Find people by name across every course (newcomer15 O5): an organiser on the phone often
has only the name. For the signed-in console alone (its search route); what was typed is
never logged. Erased people have no name to match."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.course import Course
from booking.services.courses import list_courses
from booking.services.ports import Ports
from booking.services.reading import application_as_read


def applications_named(ports: Ports, typed: str) -> list[tuple[Application, Course]]:
    """Every application whose applicant's name holds ``typed`` (any case), course by
    course, each course's oldest first, as read (``services.reading``)."""
    wanted = typed.casefold()
    now = ports.clock()
    return [
        (application_as_read(application, course, now), course)
        for course in list_courses(ports)
        for application in ports.repository.list_applications(course.course_id)
        if not application.is_erased and wanted in application.answers.name.casefold()
    ]
