"""One person, one place on a course: whoever already holds (or is applying for) a place,
of their own or named on a manager's booking, is not given another."""

from __future__ import annotations

from booking.services.ports import Ports

ALREADY_ON_COURSE = (
    "this colleague already has a place on this course (or has applied for one): each "
    "person holds one place"
)


def has_a_place_on(
    ports: Ports, course_id: str, email: str, besides_group: str | None = None
) -> bool:
    """Whether ``email`` already holds (or is applying for) a place on the course: an
    application of their own that has not ended, or a place named for them in another group
    that still holds its seats. One person holds one place on a course."""
    earlier_id = ports.repository.enrolled_application_id(course_id, email)
    earlier = ports.repository.get_application(earlier_id) if earlier_id else None
    if earlier is not None and not earlier.enrolment_ended:
        return True
    address = email.lower()
    return any(
        group.course_id == course_id
        and group.group_id != besides_group
        and group.seats_held > 0
        and any(
            not place.released and place.colleague.email.lower() == address
            for place in group.places
        )
        for group in ports.groups.groups_of_person(email)
    )
