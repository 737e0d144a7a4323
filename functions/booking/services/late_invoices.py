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
    late_ids = [late.invoice_id for late in [*bookings, *groups]]
    return late_said(bookings, groups, course.definition.timezone, _debited(ports, late_ids))


def _debited(ports: Ports, invoice_ids: list[str]) -> frozenset[str]:
    """Those of ``invoice_ids`` Stripe holds a bank debit of being confirmed. Read by the
    short-timeout reader (no retries), and no more once Stripe does not answer: the save these
    warnings follow has been written, and a slow Stripe must not make its answer time out.
    What is left unread is warned of as unpaid (a warning never stops the save it follows)."""
    debited: set[str] = set()
    for invoice_id in invoice_ids:
        try:
            paying = invoice_paying(ports, invoice_id, retried=False)
        except DependencyUnavailable:
            logger.warning("late invoices' payments left unread: Stripe did not answer")
            break
        if paying is InvoicePaying.PROCESSING:
            debited.add(invoice_id)
    return frozenset(debited)
