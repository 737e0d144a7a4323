"""A course's group bookings as its organisers see them (``domain.group_overview``): each group
with each place's colleague and where their application stands."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.group_overview import GroupLine, group_line
from booking.domain.groups import GroupBooking
from booking.domain.places_not_applied import GroupNotApplied
from booking.domain.places_not_applied import places_not_applied as not_applied_by_group
from booking.services.access import existing_course
from booking.services.ports import Ports


@dataclass(frozen=True)
class CourseGroupBookings:
    """A course's group bookings, as the organisers see them."""

    course: Course
    groups: tuple[GroupLine, ...]  # the oldest first


def course_group_bookings(ports: Ports, course_id: str) -> CourseGroupBookings:
    course = existing_course(ports, course_id)
    now = ports.clock()
    timezone = course.definition.timezone
    return CourseGroupBookings(
        course,
        tuple(
            group_line(group, _holders(ports, group), timezone, now)
            for group in ports.groups.groups_of_course(course_id)
        ),
    )


def _holders(ports: Ports, group: GroupBooking) -> dict[int, Application]:
    """Each place's colleague's application that has not ended, by the place's number."""
    found: dict[int, Application] = {}
    for place in group.places:
        holder_id = ports.groups.place_holder(group.group_id, place.number)
        holder = ports.repository.get_application(holder_id) if holder_id else None
        if holder is not None and not holder.enrolment_ended:
            found[place.number] = holder
    return found


def line_of(ports: Ports, group: GroupBooking) -> GroupLine:
    """One group booking as its organisers read it now (what an action on it answers)."""
    course = existing_course(ports, group.course_id)
    return group_line(group, _holders(ports, group), course.definition.timezone, ports.clock())


def places_not_applied(ports: Ports, course_id: str) -> tuple[GroupNotApplied, ...]:
    """The course's group places that hold no application yet, by group, oldest group first
    (the *Read all answers* page's account of the answers still to come)."""
    return not_applied_by_group(course_group_bookings(ports, course_id).groups)
