"""The organiser API's courses (``GET /admin/courses``) and a course's save's answer
(``PUT /admin/courses/{course_id}``), each course with its places booked, held and free,
served on the admin function's resolver (``handlers/admin.py`` calls :func:`serve`).

Their views and use case are imported by the routes that call them: the admin function's
cold start (an organiser reading a roster) does not wait for them."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from booking.handlers import http
from booking.handlers.resolver import Response
from booking.handlers.routes import Served
from booking.services.courses import SavedCourse
from booking.services.ports import Ports


def serve(served: Served) -> None:
    """Bind the route."""

    @served("listOrganiserCourses")
    def list_courses() -> Response[str]:
        from booking.handlers.organiser_course_views import organiser_course_out
        from booking.services.course_seats import every_course_seats

        the_ports = ports()
        now = the_ports.clock()
        return http.json_response(
            200,
            [
                organiser_course_out(course, seats, now).model_dump(mode="json")
                for course, seats in every_course_seats(the_ports)
            ],
        )


def saved_json(the_ports: Ports, saved: SavedCourse) -> dict[str, Any]:
    """A course's save answered: the course as saved, its places, and what to read."""
    from booking.handlers.organiser_course_views import saved_course_out
    from booking.services.course_seats import course_seats

    seats = course_seats(the_ports, saved.course)
    return saved_course_out(saved, seats, the_ports.clock()).model_dump(mode="json")
