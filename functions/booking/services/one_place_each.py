"""One person, one place on a course: whoever already holds (or is applying for) a place,
of their own or named on a manager's booking, is not given another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from booking.domain.application import Application
from booking.domain.errors import Conflict
from booking.domain.group_place import booked_for_you
from booking.domain.people import address_digest
from booking.services.ports import EnrolmentRead, Ports

if TYPE_CHECKING:
    from booking.domain.groups import GroupBooking

ALREADY_ON_COURSE = (
    "this colleague already has a place on this course (or has applied for one): each "
    "person holds one place"
)


class PlaceBookedByManager(Conflict):
    """The person applying on their own is named on a manager's booking that holds their
    place: they apply through the link it sent them."""

    code = "place_booked_for_you"


def group_naming(
    ports: Ports, course_id: str, email: str, besides_group: str | None = None
) -> GroupBooking | None:
    """The group booking whose place on the course is named for ``email`` and still holds its
    seat (not given up, the colleague not substituted, the booking not lapsed), if any."""
    address = email.lower()
    for group in ports.groups.groups_of_person(email):
        if (
            group.course_id == course_id
            and group.group_id != besides_group
            and group.seats_held > 0
            and any(
                not place.released and place.colleague.email.lower() == address
                for place in group.places
            )
        ):
            return group
    return None


@dataclass(frozen=True)
class PlaceHeld:
    """What holds a person's one place on a course: an application of theirs that has not
    ended (their own, or one made through a group place's link: it took the claim over), else
    a manager's group booking naming them on a place that holds its seat."""

    application: Application | None = None
    group: GroupBooking | None = None


def what_holds_the_place(
    ports: Ports,
    course_id: str,
    email: str,
    besides_application: str | None = None,
    besides_group: str | None = None,
    enrolment: EnrolmentRead | None = None,
) -> PlaceHeld | None:
    """The one rule for what holds ``email``'s one place on the course (None: nothing does),
    leaving out the application or group asking (a move's own booking, a group's own save).
    An application holding the enrolment comes first: a colleague who applied through their
    place's link holds it by that application, not by the group any more. ``enrolment``: the
    address's enrolment as read already (a submission reads it with the course), if it is."""
    earlier_id = (
        enrolment.application_id
        if enrolment is not None and enrolment.address == address_digest(email)
        else ports.repository.enrolled_application_id(course_id, email)
    )
    if earlier_id is not None and earlier_id != besides_application:
        earlier = ports.repository.get_application(earlier_id)
        if earlier is not None and not earlier.enrolment_ended:
            return PlaceHeld(application=earlier)
    group = group_naming(ports, course_id, email, besides_group)
    return PlaceHeld(group=group) if group is not None else None


def has_a_place_on(
    ports: Ports, course_id: str, email: str, besides_group: str | None = None
) -> bool:
    """Whether ``email`` already holds (or is applying for) a place on the course: an
    application of their own that has not ended, or a place named for them in another group
    that still holds its seats. One person holds one place on a course."""
    return what_holds_the_place(ports, course_id, email, besides_group=besides_group) is not None


def refuse_if_booked_by_a_manager(
    ports: Ports, course_id: str, email: str, enrolment: EnrolmentRead | None = None
) -> None:
    """Someone a manager booked a place for applies on their own: refused (409), pointing to
    their own link. Once their place is given up or another colleague takes it, they may. One
    who applied through that link already holds the place by their application: the
    application's save refuses them as ``already_applied`` (where it stands, emailed)."""
    held = what_holds_the_place(ports, course_id, email, enrolment=enrolment)
    if held is not None and held.group is not None:
        raise PlaceBookedByManager(booked_for_you(held.group))
