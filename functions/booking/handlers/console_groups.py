"""The console's page of a course's group bookings (registered on the console's resolver,
``handlers/console_app.py``; what it says is ``domain.group_overview``)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from booking.bootstrap import ports
from booking.handlers.console_app import chrome, html_page, served
from booking.handlers.console_pages import Chrome, _course_name, _render
from booking.services.group_overview import CourseGroupBookings, course_group_bookings


def group_bookings_page(chrome: Chrome, found: CourseGroupBookings) -> str:
    course = found.course
    return _render(
        "group_bookings.html",
        chrome,
        course_id=course.course_id,
        name=_course_name(course),
        timezone=course.definition.timezone,
        groups=found.groups,
    )


@served("consoleCourseGroupBookings")
def group_bookings(course_id: str) -> Response[str]:
    return html_page(200, group_bookings_page(chrome(), course_group_bookings(ports(), course_id)))
