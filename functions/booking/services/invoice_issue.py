"""A new invoice for one application, asked of the provider before the save that records it
(``domain.commands.IssueInvoice``, carried out by ``services.settle``): with the change, or
its id saved first while it is a draft, before the provider sends it.

An act stopped after the provider sent the invoice it recorded first, before its save, is
finished by the sweep or pressed again: the invoice it sent then is voided at the
provider before another is asked for, so exactly one invoice is ever open for the booking
(never two for the employer to pay), and one the employer paid meanwhile refuses the act in
words, nothing more sent."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.commands import IssueInvoice
from booking.domain.course import Course
from booking.domain.errors import Conflict, UnknownToProvider
from booking.domain.payment_settlement import invoiced
from booking.domain.provider_objects import sent_and_never_saved
from booking.services.concurrency import course_of
from booking.services.invoice_requests import invoice_request
from booking.services.ports import Ports
from booking.services.provider_erasure import (
    forget_customers,
    owe_customer_deletions,
    sent_invoice,
)

EARLIER_INVOICE_PAID = (
    "the employer has paid the invoice sent when this was first pressed, and the payment is "
    "being recorded: nothing more was sent. Please look at the booking again in a minute"
)


def issued(
    ports: Ports, course: Course | None, new: Application, command: IssueInvoice
) -> Application:
    """A replacement invoice for what is owed now, in the change that made it owed."""
    course = course or course_of(ports, new)
    request = invoice_request(course, new, command.due_at, command.attempt)
    invoice = sent_invoice(ports, request)
    return invoiced(new, invoice, ports.clock(), course.definition.timezone)


def issued_recorded_first(
    ports: Ports,
    course: Course | None,
    application: Application,
    new: Application,
    command: IssueInvoice,
) -> tuple[Application, Application]:
    """The invoice for ``new``, its id saved on ``application`` (``invoices_issued``) while it
    is a draft, before the provider sends it: the application as then saved (what the
    change's save expects), and ``new`` with the invoice. A save of the draft's id that loses
    a race has the draft deleted (``create_invoice``) and the act decided again."""
    recorded = [application]

    def drafted(invoice_id: str) -> None:
        current = recorded[-1]
        issued = (*current.invoices_issued, invoice_id)
        recorded.append(
            ports.repository.save(current.model_copy(update={"invoices_issued": issued}), current)
        )

    course = course or course_of(ports, new)
    request = invoice_request(course, new, command.due_at, command.attempt)
    _earlier_voided(ports, application)
    invoice = sent_invoice(ports, request, drafted)
    return recorded[-1], invoiced(new, invoice, ports.clock(), course.definition.timezone)


def _earlier_voided(ports: Ports, application: Application) -> None:
    """The invoice an earlier try of this act sent and never saved (``sent_and_never_saved``)
    voided at the provider, and its customer (the billing contact) deleted, before another is
    asked for: owed first, so what the provider cannot do now the sweep does. Stripe
    unreachable: DependencyUnavailable, nothing more sent (the next try voids it). Paid
    meanwhile: Conflict, nothing more sent (its ``invoice.paid`` is the employer's word)."""
    earlier = sent_and_never_saved(application)
    if earlier is None:
        return
    owe_customer_deletions(ports, [earlier])
    try:
        status = ports.payments.void_invoice(earlier)
    except UnknownToProvider:
        status = "void"  # the provider holds no such invoice: nothing can pay it
    if status == "paid":
        raise Conflict(EARLIER_INVOICE_PAID, code="payment_being_recorded")
    forget_customers(ports, [earlier])
