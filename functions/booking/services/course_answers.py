"""What the console's *Read all answers* page shows: the course's applications (of one status,
as the course page filters them) and, under them, the group places that hold no application
yet, so the facilitators know how many answers are still to come, and from whom."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.places_not_applied import GroupNotApplied
from booking.services.console import CourseApplications, course_applications
from booking.services.ports import Ports


@dataclass(frozen=True)
class CourseAnswers:
    listing: CourseApplications
    not_applied: tuple[GroupNotApplied, ...]  # by group, the oldest booking first


def course_answers(ports: Ports, course_id: str, status: str = "") -> CourseAnswers:
    from booking.services.group_overview import places_not_applied  # a group's reads only

    listing = course_applications(ports, course_id, status)
    return CourseAnswers(listing, places_not_applied(ports, course_id))
