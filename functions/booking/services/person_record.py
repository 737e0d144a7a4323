"""Everything held about one person, gathered for the console's printable record of it
(a subject access request answered in words, not only the JSON export).

It reads what the person page reads (``person_found.person``) and, for each of their applications,
what that application's own page reads (``console.application_detail``): its answers, money,
history and emails sent. It changes nothing and logs nothing about the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.subject_access import Holder, holders_of
from booking.domain.timeline import TimelineEntry
from booking.services.console import ApplicationDetail, application_detail
from booking.services.person_found import Person, person_with_data
from booking.services.ports import Ports


@dataclass(frozen=True)
class Removed:
    """An application of theirs whose course has been removed since: what is left of it."""

    application: Application
    timeline: list[TimelineEntry]


@dataclass(frozen=True)
class PersonRecord:
    """The person as the person page finds them, and each of their own applications in full
    (oldest first), those of a removed course as far as they are kept."""

    person: Person
    applications: list[ApplicationDetail | Removed]
    # What a subject access answer carries beside the data (``domain.subject_access``):
    # who holds it for each course it is held for, and how long an unbooked application stays.
    holders: tuple[Holder, ...]
    retention_days: int


def person_record(ports: Ports, typed: str) -> PersonRecord:
    """What is held about the person ``typed`` names; ``InvalidInput`` when it is no address,
    ``NotFound`` when nothing is held about them."""
    person = person_with_data(ports, typed)
    held: list[ApplicationDetail | Removed] = []
    for application, course in sorted(person.applications, key=lambda a: a[0].created_at):
        if course is not None:
            held.append(application_detail(ports, application.application_id))
            continue
        stored, timeline = ports.repository.application_with_timeline(application.application_id)
        held.append(Removed(stored or application, timeline))
    courses: list[Course] = [
        course for _, course in (*person.applications, *person.billed) if course is not None
    ]
    for group in person.group_bookings:
        course = ports.repository.get_course(str(group["course_id"]))
        courses += [course] if course is not None else []
    return PersonRecord(
        person,
        held,
        holders_of(courses, ports.sender_email),
        ports.unpaid_retention.days,
    )
