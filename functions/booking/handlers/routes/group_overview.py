"""A course's group bookings as its organisers see them: the organiser API's and the console's
(``domain.group_overview`` says them)."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import COURSE_ID, json_answer, on_a_course, page
from booking.handlers.routes.console_money import NO_COURSE

_SAID = (
    "Each group: its organisation, manager (name and email), how it pays (card, or invoice "
    "with its PO), its status in words, places booked, kept and given up, money in pounds "
    "and dates in the course's time; each place's colleague and state in words."
)

GROUP_BOOKINGS_ADMIN: tuple[Route, ...] = (
    on_a_course(
        "GET",
        "/group-bookings",
        "courseGroupBookings",
        "A course's places booked by a manager, group by group, the oldest first",
        {"200": json_answer("CourseGroupBookingsOut", "The course's group bookings")},
        description=_SAID + " The console's *Group bookings* page and the CLI's "
        "`group-bookings` say the same.",
    ),
)

GROUP_BOOKINGS_CONSOLE: tuple[Route, ...] = (
    Route(
        Function.CONSOLE,
        "GET",
        "/console/courses/{course_id}/group-bookings",
        "consoleCourseGroupBookings",
        "A course's places booked by a manager, group by group (linked from the course's page)",
        {
            "200": page("The course's group bookings"),
            "404": NO_COURSE,
        },
        description=_SAID,
        parameters=(COURSE_ID,),
        tags=("console",),
    ),
)
