"""Use cases around courses: publish a definition, list and read courses."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.course import Course, CourseDefinition, is_valid_course_id
from booking.domain.errors import InvalidInput, NotFound
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


def put_course(ports: Ports, course_id: str, definition: CourseDefinition) -> Course:
    if not is_valid_course_id(course_id):
        raise InvalidInput(
            "course ids are 2-80 lower-case letters, digits and hyphens",
            {"course_id": "use lower-case letters, digits and hyphens"},
        )
    course = ports.repository.put_course(course_id, definition)
    logger.info("course saved", extra={"course_id": course_id, "version": course.version})
    if course.waiting and course.places_left:
        # More places (or a course reopened): the waiting list hears first, in this same step.
        offer_free_places(ports, course_id)
        course = ports.repository.get_course(course_id) or course
    return course


def get_course(ports: Ports, course_id: str) -> Course:
    course = ports.repository.get_course(course_id) if is_valid_course_id(course_id) else None
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    return course


def list_courses(ports: Ports) -> list[Course]:
    """Open courses first, then full, then closed; within each, soonest first."""
    now = ports.clock()
    rank = {"open": 0, "full": 1, "closed": 2}
    return sorted(
        ports.repository.list_courses(),
        key=lambda c: (rank[c.status(now).value], c.first_start(), c.course_id),
    )
