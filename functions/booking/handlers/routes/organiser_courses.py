"""The organiser API's list of courses: each with its places booked, held for someone who has
not paid yet, and free, as the console's courses page counts them (the CLI's ``courses``)."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import array_of, json_answer

COURSES_ADMIN: tuple[Route, ...] = (
    Route(
        Function.ADMIN,
        "GET",
        "/admin/courses",
        "listOrganiserCourses",
        "Every course, with its places booked, held and free",
        {"200": json_answer(array_of("OrganiserCourseOut"), "Every course, open ones and not")},
        description="Each course as `GET /courses` gives it, and its `places`, each counted "
        "once as the console's courses page counts them: `booked` (confirmed, or a paid "
        "group's places), `held` for someone who has not paid yet (a checkout, an offer, an "
        "invoice, an unpaid group's places, a dearer move's difference) and `free` (the "
        "Course's `places_not_taken`); with free, they add up to its capacity. One call for "
        "every course: the CLI's `courses` says them from it.",
        tags=("organisers",),
    ),
)
