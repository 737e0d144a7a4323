"""Who the console's people pages are about: a person found by the address an organiser typed,
with what is held about them (their applications, the invoices addressed to them, the group
bookings that name them), for the person page, the export and the erasure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.errors import InvalidInput
from booking.domain.wording import cohort_name
from booking.services.finding import person_address
from booking.services.ports import Ports
from booking.services.reading import application_as_read


@dataclass(frozen=True)
class Person:
    """What is held about one person (``services.people.held_about``, as the API finds it),
    by the address the console was given."""

    email: str  # as stored (IDNA domains as punycode), or as typed when it is none
    applications: list[tuple[Application, Course | None]]  # each with its course, if kept
    problems: dict[str, str] = field(default_factory=dict)
    # Others' applications whose invoice is addressed to them (the billing contact).
    billed: list[tuple[Application, Course | None]] = field(default_factory=list)
    # What group bookings name them as (manager, billing contact, colleague on a place).
    group_bookings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def holds_data(self) -> bool:
        return bool(self.applications or self.billed or self.group_bookings)


_NOT_AN_ADDRESS = "Enter an email address, like name@example.org"


def person_to_find(typed: str) -> str:
    """The address a person is found by; ``InvalidInput`` when none was given, or not one."""
    typed = typed.strip()
    if not typed or "@" not in typed:
        raise InvalidInput("enter an email address", {"email": _NOT_AN_ADDRESS})
    return person_address(typed)


def person(ports: Ports, typed: str) -> Person:
    """The person page: their applications (none asked yet: none; not an address: why)."""
    if not typed.strip():
        return Person("", [])
    try:
        email = person_to_find(typed)
    except InvalidInput as invalid:
        return Person(typed.strip(), [], invalid.fields)
    # The person pages (and export, erasure) alone load what is held about someone.
    from booking.services.people import held_about

    held, now = held_about(ports, email), ports.clock()

    def with_courses(found: list[Application]) -> list[tuple[Application, Course | None]]:
        # As every view reads them (``services.reading``): an offer past its deadline lapsed.
        courses = [ports.repository.get_course(a.course_id) for a in found]
        return [(application_as_read(a, c, now), c) for a, c in zip(found, courses, strict=True)]

    return Person(
        email,
        with_courses(held.applications),
        billed=with_courses(held.billed),
        group_bookings=named_cohorts(ports, held.group_bookings),
    )


def named_cohorts(ports: Ports, group_bookings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The group bookings a person is named on, each with its cohort as organisers know it (its
    title and first day, ``course``), not its id."""
    named: list[dict[str, Any]] = []
    for group in group_bookings:
        course = ports.repository.get_course(str(group["course_id"]))
        said = cohort_name(course) if course is not None else "A course no longer listed"
        named.append({**group, "course": said})
    return named


def person_with_data(ports: Ports, typed: str, *, erasing: bool = False) -> Person:
    """The person an erasure is about; ``NotFound`` when nothing is held about them (pressed
    to erase, an earlier erasure's search at the provider still owed is made then: reading
    the page never asks the provider anything)."""
    found = person(ports, person_to_find(typed))
    if not found.holds_data:
        from booking.services import provider_erasure

        refusal = (
            provider_erasure.nothing_held_to_erase if erasing else provider_erasure.nothing_held
        )
        raise refusal(ports, found.email)
    return found
