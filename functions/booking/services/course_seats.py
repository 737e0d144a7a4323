"""A course's places as the organisers' pages count them: booked, held for someone who has
not paid yet, free; the same count as the courses list's (``services.console``), so every
page, the organiser API and the CLI say one thing of the same places."""

from __future__ import annotations

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


def every_course_seats(ports: Ports) -> list[tuple[Course, SeatCounts]]:
    """Every course with its seats, counted as the console's courses list counts them: every
    cohort's applications read once (a booking moving to a dearer cohort holds its seat
    there), and each course's group bookings' places."""
    courses = list_courses(ports)
    stored = (a for course in courses for a in stored_applications(ports, course))
    taken = seats_taken(stored)
    return [
        (
            course,
            seat_counts(course.course_id, taken, ports.groups.groups_of_course(course.course_id)),
        )
        for course in courses
    ]
