"""Find people by name or organisation (or their invoice's addressee, number or purchase
order) across every course: an organiser on the phone often has only the
name. For the signed-in console alone (its search route); what was typed is never logged.
Erased people have no name to match."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.billing import BillingDetails
from booking.domain.course import Course
from booking.services.courses import list_courses
from booking.services.ports import Ports
from booking.services.reading import application_as_read


def applications_named(ports: Ports, typed: str) -> list[tuple[Application, Course]]:
    """Every application whose applicant's name or organisation, or the legal name its
    invoice is addressed to, holds ``typed`` (any case), or whose invoice number or purchase
    order is it (:func:`is_number`), course by course,
    each course's oldest first, as read (``services.reading``)."""
    now = ports.clock()
    return [
        (application_as_read(application, course, now), course)
        for course in list_courses(ports)
        for application in ports.repository.list_applications(course.course_id)
        if not application.is_erased and _named(application, typed)
    ]


def _named(application: Application, typed: str) -> bool:
    invoice, billing = application.invoice, application.billing
    # Their organisation, and the employer an invoice is addressed to ("which
    # of our staff are booked?" asked by the employer's name).
    held = [application.answers.name, application.answers.organisation]
    if any(typed.casefold() in text.casefold() for text in [*held, _billed(billing)]):
        return True
    return is_number(
        typed, invoice.number if invoice else None, billing.po_number if billing else None
    )


def _billed(billing: BillingDetails | None) -> str:
    """The legal name an invoice is addressed to ("" for none)."""
    return billing.billing_name if billing is not None else ""


def is_number(typed: str, *numbers: str | None) -> bool:
    """Whether ``typed`` is one of ``numbers`` (an invoice number, a purchase order), spaces
    and case forgiven: matched whole, since part of one ("88") is part of many."""
    wanted = "".join(typed.split()).casefold()
    return any(n and "".join(n.split()).casefold() == wanted for n in numbers)
