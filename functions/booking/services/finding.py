"""The console's one search box (*Find an application or a person*): a reference finds its
application, an email address its person, and anything else the applications by a name and
the group bookings by their manager's name, organisation, invoice number or purchase order
(a manager's booking could be found by their exact address alone, though
accounts teams ask by invoice or PO). For the signed-in console alone; what was typed is never
logged. Erased people have no name, invoice or order to match."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.addresses import UndeliverableAddress, deliverable_address
from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.errors import InvalidInput, NotFound
from booking.domain.groups import GroupBooking
from booking.domain.references import normalised_reference
from booking.domain.statuses import ERASED, address_shown
from booking.services.courses import list_courses
from booking.services.name_search import applications_named, is_number
from booking.services.ports import Ports

MAX_QUERY_LENGTH = 254  # the longest email address


@dataclass(frozen=True)
class Found:
    """Where a search of the whole console leads: an application, or a person's page, or the
    applications and group bookings that what was typed may name."""

    application_id: str | None = None
    email: str | None = None
    named: list[tuple[Application, Course]] | None = None  # a name: whose it may be, if any
    # Group bookings whose manager, organisation, invoice number or PO holds what was typed.
    groups: list[tuple[GroupBooking, Course]] | None = None


def find(ports: Ports, typed: str) -> Found:
    """A reference finds its application; an email address finds the person; anything else
    is a name (of an applicant, or a group's manager or organisation), an invoice number or a
    purchase order, found on every course. A reference nobody holds, matching nothing else, is
    ``NotFound``."""
    typed = typed.strip()
    if not typed or len(typed) > MAX_QUERY_LENGTH:
        said = (
            "a reference, an email address, a name, an organisation, an invoice number or a "
            "purchase order"
        )
        raise InvalidInput(f"type {said}", {"q": said})
    reference = normalised_reference(typed)
    if reference is not None:
        application = ports.repository.application_by_reference(reference)
        if application is not None:
            return Found(application_id=application.application_id)
    if "@" in typed:
        return Found(email=person_address(typed))
    named, groups = applications_named(ports, typed), groups_matching(ports, typed)
    # "Turner" reads as a reference too: a name, if none has it; "CL-2345X" is only a reference.
    if reference is not None and not typed.isalpha() and not named and not groups:
        raise NotFound(f"no application has the reference {reference}")
    return Found(named=named, groups=groups)


def groups_matching(ports: Ports, typed: str) -> list[tuple[GroupBooking, Course]]:
    """Every group booking, course by course, whose manager's name or organisation, or the
    legal name its invoice is addressed to, holds ``typed`` (any case), or whose invoice
    number or purchase order is it (spaces and case forgiven); an erased manager's booking
    has nothing left to match."""
    return [
        (group, course)
        for course in list_courses(ports)
        for group in ports.groups.groups_of_course(course.course_id)
        if address_shown(group.manager.email) != ERASED and _group_matches(group, typed)
    ]


def _group_matches(group: GroupBooking, typed: str) -> bool:
    wanted = typed.casefold()
    billed = group.billing.billing_name if group.billing else ""
    if any(wanted in held.casefold() for held in (group.manager.name, group.organisation, billed)):
        return True
    return is_number(
        typed,
        group.invoice.number if group.invoice else None,
        group.billing.po_number if group.billing else None,
    )


def person_address(typed: str) -> str:
    """The address as stored (IDNA as punycode); one not deliverable is looked up as typed."""
    try:
        return deliverable_address(typed.strip())
    except UndeliverableAddress:
        return typed.strip()
