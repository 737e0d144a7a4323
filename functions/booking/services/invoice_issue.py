"""A new invoice for one application, asked of the provider before the save that records it
(``domain.commands.IssueInvoice``, carried out by ``services.settle``): with the change, or
its id saved first while it is a draft, before the provider sends it.

An act stopped after the provider sent the invoice it recorded first, before its save, is
finished by the sweep or pressed again: the invoice it sent then is voided at the
provider before another is asked for, so exactly one invoice is ever open for the booking
(never two for the employer to pay). One the employer paid meanwhile, or is paying by a bank
debit Stripe will not void under, is the booking's invoice (the act sent it, with the booking's
own key): the act completes with it as the current one, read once at the provider, and nothing
more is sent; its payment then confirms the booking (``services.settle.act_settled``; a debit's
once the bank confirms it, by its ``invoice.paid``)."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef
from booking.domain.commands import IssueInvoice
from booking.domain.course import Course
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.domain.payment_settlement import invoiced
from booking.domain.provider_objects import adopted_from_an_earlier_try, sent_and_never_saved
from booking.services.concurrency import course_of
from booking.services.invoice_requests import invoice_request, void_at_stripe
from booking.services.ports import InvoiceAtStripe, Ports
from booking.services.provider_erasure import (
    forget_customers,
    owe_customer_deletions,
    sent_invoice,
)

EARLIER_INVOICE_PAID = (
    "the employer has paid the invoice sent when this was first pressed: the booking is "
    "confirmed by that payment, and nothing more was sent"
)
# The id of the ``invoice.paid`` an act applies for the invoice an earlier try of it sent.
PAID_BY_AN_EARLIER_TRY = "earlier-try-paid-"


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
    paid_earlier = _earlier_voided(ports, application)
    invoice = (
        paid_earlier.model_copy(update={"attempt": command.attempt})
        if paid_earlier is not None
        else sent_invoice(ports, request, drafted)
    )
    return recorded[-1], invoiced(new, invoice, ports.clock(), course.definition.timezone)


def _earlier_voided(ports: Ports, application: Application) -> InvoiceRef | None:
    """The invoice an earlier try of this act sent and never saved (``sent_and_never_saved``)
    voided at the provider, then its customer (the billing contact) deleted, before another
    is asked for. Stripe's answer to the void decides, by the one rule every void keeps
    (``invoice_requests.void_at_stripe``): paid, or a bank debit of it processing (Stripe
    refuses the void), refuses the act in words, nothing more sent and the customer kept for
    the payment on its way (else the employer is sent a second invoice to pay too). Paid: it
    is the booking's invoice, returned as the provider holds it, for the act to record as
    current (nothing more sent). Stripe unreachable: DependencyUnavailable, nothing more sent
    (the next try voids it). Its customer's deletion is owed only once the void holds; a stop
    before then leaves it to erasure, which finds the invoice among ``invoices_issued``."""
    earlier = sent_and_never_saved(application)
    if earlier is None:
        return None
    paying = void_at_stripe(ports, earlier)
    if paying.on_its_way:
        # Paid, or being paid by a bank debit (days): the booking's invoice either way. One
        # being debited refused the act, so the sweep let the place go under the debit.
        return as_sent(earlier, ports.payments.invoice_at_stripe(earlier, a_person_waits=True))
    owe_customer_deletions(ports, [earlier])
    forget_customers(ports, [earlier])
    return None


def as_sent(invoice_id: str, held: InvoiceAtStripe) -> InvoiceRef:
    """The invoice ``invoice_id`` an earlier try of an act sent, as the provider holds it
    (``held``, read once): its page, number, due moment and amount, for the act to record as
    the booking's (or the group's). DependencyUnavailable: the provider did not say them."""
    if not held.url or held.due_at is None:
        raise DependencyUnavailable(
            "the payment provider did not say where the invoice is paid",
            code="payment_provider_unavailable",
        )
    return InvoiceRef(
        invoice_id=invoice_id,
        url=held.url,
        number=held.number or None,
        due_at=held.due_at,
        amount_due=held.amount_due,
        currency=held.currency,
    )


def paid_by_an_earlier_try_applied(ports: Ports, owner_id: str, invoice_id: str) -> None:
    """The payment of ``invoice_id``, an invoice an earlier try of an act sent and the act has
    now recorded as current, applied for ``owner_id`` (an application, or a group) as the
    webhook applies Stripe's ``invoice.paid`` (the one path for money: the invoice read at
    Stripe; its own event later changes nothing)."""
    # Only here: the webhook's path, which imports this module's caller.
    from booking.services.payments import apply_invoice_event

    paid = InvoiceEvent(
        event_id=f"{PAID_BY_AN_EARLIER_TRY}{invoice_id}",
        kind=InvoiceEventKind.PAID,
        invoice_id=invoice_id,
        application_id=owner_id,
    )
    apply_invoice_event(ports, paid)


def earlier_payment_applied(
    ports: Ports, before: Application, saved: Application, *, pressed: bool
) -> None:
    """When the act saved as ``saved`` (read as ``before``) recorded as current the invoice an
    earlier try sent and the employer paid (``_earlier_voided``): that payment applied as the
    webhook applies Stripe's ``invoice.paid`` (the one path for money: the invoice read at
    Stripe, the booking confirmed, its event later changing nothing). ``pressed``: an
    organiser's press, answered that the invoice was paid (409 ``invoice_paid``), as nothing
    of what they asked was sent; a completion (the sweep, an event) is not answered."""
    invoice_id = adopted_from_an_earlier_try(before, saved)
    if invoice_id is None or not ports.payments.invoice_at_stripe(invoice_id).paid:
        return  # none adopted, or a bank debit of it on its way: its invoice.paid confirms it
    paid_by_an_earlier_try_applied(ports, saved.application_id, invoice_id)
    if pressed:
        raise Conflict(EARLIER_INVOICE_PAID, code="invoice_paid")
