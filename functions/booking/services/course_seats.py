"""A course's places as the organisers' pages count them: booked, held for someone who has
not paid yet, free; the same count as the courses list's (``services.console``), so every
page, the organiser API and the CLI say one thing of the same places."""

from __future__ import annotations

from collections.abc import Mapping

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.seat_counts import SeatCounts, seat_counts, seats_taken
from booking.services.courses import list_courses
from booking.services.ports import Ports
from booking.services.reading import stored_applications
from booking.services.waiting_moves import moving_in


def course_seats(ports: Ports, course: Course) -> SeatCounts:
    """``course``'s seats: those its own applications take (as stored, as its seat counter
    counts them), those bookings of other cohorts hold here for a dearer move, and its group
    bookings' places."""
    stored = stored_applications(ports, course)
    moving = [m.application for m in moving_in(ports, course)]
    taken = seats_taken([*stored, *moving])
    return seat_counts(course.course_id, taken, ports.groups.groups_of_course(course.course_id))


def stored_and_taken(
    ports: Ports, courses: list[Course]
) -> tuple[dict[str, list[Application]], Mapping[str, SeatCounts]]:
    """Each of ``courses``' applications as stored (by course id), and the seats they take,
    every cohort's applications read once and counted together: a booking moving to a dearer
    cohort holds its seat there. One count for the console's courses list and the organiser
    API's."""
    stored = {course.course_id: stored_applications(ports, course) for course in courses}
    return stored, seats_taken(a for found in stored.values() for a in found)


def every_course_seats(ports: Ports) -> list[tuple[Course, SeatCounts]]:
    """Every course with its seats, counted as the console's courses list counts them
    (:func:`stored_and_taken`), with each course's group bookings' places."""
    courses = list_courses(ports)
    _, taken = stored_and_taken(ports, courses)
    return [
        (
            course,
            seat_counts(course.course_id, taken, ports.groups.groups_of_course(course.course_id)),
        )
        for course in courses
    ]
