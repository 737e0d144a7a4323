"""After a save that moved a course's dates, the invoices now falling due too late, in words
(``domain.invoices_after_start``): the bookings holding their place on an invoice falling due
after the course now starts, and the group bookings holding theirs on one falling due after
their colleagues must now apply. Those few are read at Stripe first: one the employer is paying
by a bank debit its bank is still confirming is said so, never with advice to chase the money
or void the invoice (a void is refused under the debit)."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.course import Course
from booking.domain.errors import DependencyUnavailable
from booking.domain.invoices import InvoicePaying
from booking.domain.invoices_after_start import bookings_due_late, groups_due_late, late_said
from booking.services.invoice_requests import invoice_paying
from booking.services.ports import Ports

logger = Logger(child=True)


def late_invoices_said(ports: Ports, course: Course) -> list[str]:
    """The warnings of ``course``'s invoices falling due too late, as its dates now stand."""
    bookings = bookings_due_late(ports.repository.list_applications(course.course_id), course)
    groups = groups_due_late(ports.groups.groups_of_course(course.course_id), course)
    debited = frozenset(
        late.invoice_id for late in [*bookings, *groups] if _being_debited(ports, late.invoice_id)
    )
    return late_said(bookings, groups, course.definition.timezone, debited)


def _being_debited(ports: Ports, invoice_id: str) -> bool:
    """Whether Stripe holds a bank debit of ``invoice_id`` being confirmed. Stripe unreachable:
    not known, so it is warned of as unpaid (a warning never stops the save it follows)."""
    try:
        return invoice_paying(ports, invoice_id) is InvoicePaying.PROCESSING
    except DependencyUnavailable:
        logger.warning("a late invoice's payment left unread", extra={"invoice_id": invoice_id})
        return False
