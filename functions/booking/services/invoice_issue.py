"""A new invoice for one application, asked of the provider before the save that records it
(``domain.commands.IssueInvoice``, carried out by ``services.settle``): with the change, or
its id saved first while it is a draft, before the provider sends it.

An act stopped after the provider sent the invoice it recorded first, before its save, is
finished by the sweep or pressed again: the invoice it sent then is voided at the
provider before another is asked for, so exactly one invoice is ever open for the booking
(never two for the employer to pay), and one the employer paid meanwhile, or is paying by a
bank debit Stripe will not void under, refuses the act in words, nothing more sent."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.commands import IssueInvoice
from booking.domain.course import Course
from booking.domain.errors import PAYMENT_BEING_RECORDED, PAYMENT_SETTLING, Conflict
from booking.domain.invoices import InvoicePaying
from booking.domain.payment_settlement import invoiced
from booking.domain.provider_objects import sent_and_never_saved
from booking.services.concurrency import course_of
from booking.services.invoice_requests import invoice_request, void_at_stripe
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
EARLIER_INVOICE_SETTLING = (
    "the employer's bank is confirming a payment of the invoice sent when this was first "
    "pressed: nothing more was sent, so the employer is never asked to pay twice. Press "
    "again only if the bank says the debit failed"
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
    voided at the provider, then its customer (the billing contact) deleted, before another
    is asked for. Stripe's answer to the void decides, by the one rule every void keeps
    (``invoice_requests.void_at_stripe``): paid, or a bank debit of it processing (Stripe
    refuses the void), refuses the act in words, nothing more sent and the customer kept for
    the payment on its way (else the employer is sent a second invoice to pay too). Stripe
    unreachable: DependencyUnavailable, nothing more sent (the next try voids it). Its
    customer's deletion is owed only once the void holds; a stop before then leaves it to
    erasure, which finds the invoice among ``invoices_issued``."""
    earlier = sent_and_never_saved(application)
    if earlier is None:
        return
    paying = void_at_stripe(ports, earlier)
    if paying is InvoicePaying.PAID:
        raise Conflict(EARLIER_INVOICE_PAID, code=PAYMENT_BEING_RECORDED)
    if paying.on_its_way:
        raise Conflict(EARLIER_INVOICE_SETTLING, code=PAYMENT_SETTLING)
    owe_customer_deletions(ports, [earlier])
    forget_customers(ports, [earlier])
