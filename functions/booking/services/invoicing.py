"""Paying by invoice: the employer is invoiced through Stripe, the seat is held until the
invoice falls due, and the place goes back when it ends unpaid (Stripe's invoice events are
applied with every other money event: ``services.payments``).

Like a checkout, an invoice is asked of Stripe only after the seat is safely held, and the
application is written in one conditional write afterwards; an invoice that ends up belonging
to nothing (the write lost a race, the course filled) is voided again.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import BillingDetails, PaymentMethod
from booking.domain.billing_details import refuse_without_po
from booking.domain.course import Course
from booking.domain.errors import (
    Conflict,
    CourseFull,
    DependencyUnavailable,
    InvalidInput,
    StaleWrite,
)
from booking.domain.invoices import InvoicePaying, organisers_void
from booking.domain.lasting_refusals import TOO_LATE_FOR_INVOICE
from booking.domain.limits import code_taken_since
from booking.domain.page_seen import VOID_AGAIN, Seen, seen_refusal
from booking.domain.payment_settlement import invoice_released, invoiced
from booking.domain.validation import field_reasons
from booking.domain.wording import status_words
from booking.services.access import authorised, refuse_if_offer_lapsed, refuse_unless_payable
from booking.services.acted import Acted
from booking.services.concurrency import concurrent_update, course_of, load_application, retried
from booking.services.invoice_requests import (
    DueRule,
    invoice_due,
    invoice_paying,
    invoice_request,
    refuse_unless_billable,
    refuse_while_being_paid,
    settling_refused,
    void_at_stripe,
)
from booking.services.ports import Ports
from booking.services.provider_erasure import disown_invoice, sent_invoice
from booking.services.settle import Settled, settle_money
from booking.services.waitlist import booked_if_nothing_owed, give_back_seat, held_for_payment

logger = Logger(child=True)
S = ApplicationStatus


# -- asking for an invoice ---------------------------------------------------------------------


class PaymentChoiceForm(Protocol):
    """A public form that chooses how to pay (an application, a manager's booking of places)."""

    @property
    def payment_method(self) -> PaymentMethod: ...

    def billing(self) -> BillingDetails | None: ...


@dataclass(frozen=True)
class _PostedForInvoice:
    """A form's billing fields as posted, read on their own (``with_billing_reasons``)."""

    posted: Mapping[str, Any]
    payment_method: PaymentMethod = PaymentMethod.INVOICE

    def billing(self) -> BillingDetails:
        return BillingDetails.model_validate(
            {name: self.posted.get(name) or "" for name in BillingDetails.model_fields}
        )


def with_billing_reasons(
    refused: InvalidInput, course: Course, posted: Mapping[str, Any]
) -> InvalidInput:
    """A form refused for its other answers, with what its billing details need added when
    it asks for an invoice: the person is told every answer to put right at
    once, never a second list of errors after they put the first right. A field refused
    already keeps its own reason."""
    if str(posted.get("payment_method") or "").strip() != PaymentMethod.INVOICE:
        return refused
    try:
        billing_for(course, _PostedForInvoice(posted))
    except InvalidInput as billing:
        return InvalidInput(refused.message, billing.fields | refused.fields)
    return refused


def billing_for(course: Course, form: PaymentChoiceForm) -> BillingDetails | None:
    """The billing contact of a form paying by invoice (None: by card), or InvalidInput."""
    if form.payment_method is not PaymentMethod.INVOICE:
        return None
    if not course.definition.invoice_allowed:
        raise InvalidInput(
            "this course is paid by card",
            {"payment_method": "this course can only be paid by card"},
        )
    try:
        billing = form.billing()
    except ValidationError as exc:
        raise InvalidInput("the billing details need attention", field_reasons(exc)) from None
    assert billing is not None
    refuse_without_po(
        course.definition.po_required,
        billing,
        "the billing details need attention",
        "this course needs your organisation's purchase order number",
    )
    return billing


# What a refused invoice says ran out: a person's booking needs its invoice due before the
# course starts; a group's, before its colleagues must have applied as well.
TOO_CLOSE_TO_THE_START = ("the start", "the course starts")
TOO_CLOSE_TO_APPLY_BY = ("the colleagues' apply-by date", "colleagues must apply")


def invoice_due_or_refuse(
    course: Course,
    now: datetime,
    bank_holidays: Container[date],
    rule: DueRule = invoice_due,
    too_close: tuple[str, str] = TOO_CLOSE_TO_THE_START,
) -> datetime:
    """When an invoice issued now falls due by ``rule`` (``invoice_requests``: a person's
    booking's, or a group's); too late for one: a 422 on ``payment_method`` naming what is
    too close (``too_close``: the day, and what happens on it), the start when the course's
    own terms refuse it already (a group's rule adds its apply-by date to them)."""
    due = rule(course, now, bank_holidays)
    if due is None:
        by_the_course = rule is invoice_due or invoice_due(course, now, bank_holidays) is None
        day, happens = TOO_CLOSE_TO_THE_START if by_the_course else too_close
        raise InvalidInput(
            f"it is too close to {day} for an invoice",
            {"payment_method": f"{happens} too soon to pay by invoice; please pay by card"},
        )
    return due


def issue_invoice(
    ports: Ports, course: Course, application: Application, due_at: datetime, *, attempt: int
) -> Application:
    """Have Stripe send the invoice; the application as it must then be stored (the seat held
    until the invoice falls due). Raises DependencyUnavailable when Stripe cannot."""
    invoice = sent_invoice(ports, invoice_request(course, application, due_at, attempt))
    return invoiced(application, invoice, ports.clock(), course.definition.timezone)


def request_invoice(ports: Ports, application_id: str, token: str) -> Application:
    """The applicant asks for the invoice now (an offer, an expired checkout, or a first
    attempt Stripe could not take): the seat is held first, then the invoice sent. With
    nothing left to pay, the place is booked instead: no invoice for nothing is ever sent."""
    first = authorised(ports, application_id, token)
    course = course_of(ports, first)

    def hold_seat(application: Application) -> tuple[Application, datetime | None]:
        now = ports.clock()
        _refuse_unless_invoiceable(application, course, now)
        if (booked := booked_if_nothing_owed(ports, application, course, now)) is not None:
            return booked, None
        due = invoice_due(course, now, ports.bank_holidays)
        if due is None:
            raise Conflict(
                "the course starts too soon to pay by invoice", code=TOO_LATE_FOR_INVOICE
            )
        try:
            with code_taken_since():
                saved = ports.repository.save(held_for_payment(application, now), application)
        except CourseFull:
            refuse_if_offer_lapsed(application, course)
            raise
        # Switching from card to invoice: the old checkout can no longer take the place.
        previous = application.checkout if application.seat_held else None
        if (
            previous is not None
            and previous.expires_at > now
            and ports.payments.expire_checkout(previous.session_id) == "complete"
        ):
            raise Conflict("this place was already paid for by card", code="already_paid")
        return saved, due

    saved, due = retried(
        hold_seat, lambda: authorised(ports, application_id, token), first=first, attempts=3
    )
    if due is None:
        return saved  # booked with nothing to pay
    try:
        issued = issue_invoice(ports, course, saved, due, attempt=saved.invoice_attempts + 1)
    except DependencyUnavailable:
        give_back_seat(ports, saved)
        raise
    try:
        return ports.repository.save(issued, saved)
    except StaleWrite as exc:
        assert issued.invoice is not None
        disown_invoice(ports, issued.invoice.invoice_id)
        raise concurrent_update() from exc


def _refuse_unless_invoiceable(application: Application, course: Course, now: datetime) -> None:
    refuse_unless_payable(application, course, now)
    if not course.definition.invoice_allowed:
        raise Conflict("this course can only be paid by card", code="invoice_not_allowed")
    if application.billing is None:
        raise Conflict(
            "no billing contact was given with this application", code="no_billing_details"
        )
    refuse_unless_billable(application)


# -- the invoice's end -------------------------------------------------------------------------


def release_lapsed_invoice(ports: Ports, application: Application, now: datetime) -> bool:
    """The sweep's part: an invoice unpaid at its due date is voided at Stripe, then lets the
    place go, so that it cannot be paid for a place that is no longer held. Read at Stripe
    first: while a payment of it is on its way (``InvoicePaying.on_its_way``: a bank debit
    begun in time still processing, or paid, its event not yet here) the place is kept and
    nobody told, the next run looking again, as a group's is. Stripe's void
    then decides (``void_at_stripe``): refused (a debit begun since the read, or paid), the
    place is kept alike; the place goes only once Stripe holds the invoice void.
    Stripe unreachable: DependencyUnavailable, the run skips it. True if released."""
    read = application.invoice.invoice_id if application.invoice is not None else None
    if read is not None and (
        invoice_paying(ports, read).on_its_way or void_at_stripe(ports, read).on_its_way
    ):
        return False

    def release(current: Application | None) -> Application | None:
        if current is None:
            return None
        if (current.invoice.invoice_id if current.invoice else None) != read:
            return None  # not the invoice voided at Stripe: the next run reads the new one
        if read is not None and current.status is S.EXPIRED:
            return current  # its void's event came first, ending it alike (invoice_overdue)
        lapses = current.hold_lapses_at()
        if lapses is None or lapses > now:
            return None  # renewed or released meanwhile
        # No invoice at all: the replacement for one a bursary changed could not be made
        # (Stripe down); the hold ran out waiting for it, not for an employer to pay.
        reason = "invoice_overdue" if current.invoice else "invoice_not_issued"
        return ports.repository.save(invoice_released(current, now, reason, "void"), current)

    released = retried(
        release, lambda: ports.repository.get_application(application.application_id)
    )
    return released is not None


# -- organisers ----------------------------------------------------------------------------


# What an organiser may do instead of voiding under a bank debit of the invoice.
VOID_ONCE_FAILED = (
    "Void it only if the bank says the debit failed; once it is confirmed the booking is confirmed"
)


def paid_refusal(application: Application) -> Conflict:
    """The void refused because the invoice was paid, in words true of the booking now: its
    payment recorded (paid since the page offering the void was read),
    the booking confirmed or, since, ended (a cancellation with refund, a payment given back
    for want of a place); or Stripe holds it paid, its event still on its way."""
    invoice = application.invoice
    if invoice is None or invoice.status != "paid":
        said = "this invoice was paid already; its confirmation is on its way"
        return Conflict(said, code="invoice_paid")
    if application.status is ApplicationStatus.CONFIRMED:
        said = "the invoice was paid meanwhile: the booking is confirmed, and nothing was voided"
    else:
        now = status_words(application.status)
        said = f"the invoice was paid, but the booking is not confirmed: it is now {now}, and"
        said += " nothing was voided"
    return Conflict(said, code="no_open_invoice")


def void_by_organiser(ports: Ports, application_id: str, seen: Seen | None = None) -> Acted:
    """Void the open invoice at Stripe (refused if it was paid), then let the place go, as
    Stripe's own ``invoice.voided`` would: one decision for both (its event applied first:
    nothing changes, ``changed`` False). ``seen``: what the organiser's page showed
    (``domain.page_seen``), compared on this fresh read before Stripe is asked: changed since
    (a bursary that replaced the invoice, a payment begun), refused, nothing voided; the void
    then names the invoice of that read alone, so a newer one is never voided."""
    application = load_application(ports, application_id)
    invoice = application.invoice
    if invoice is not None and invoice.status == "paid":
        raise paid_refusal(application)
    if invoice is None or not application.has_open_invoice():
        raise Conflict("this application has no open invoice", code="no_open_invoice")
    now = ports.clock()
    if changed := seen_refusal(seen, application, invoice.currency, VOID_AGAIN, now=now):
        raise Conflict(changed.message, code=changed.code)
    # One read first, as a group's void (``InvoicePaying.on_its_way``): a bank debit of it
    # processing is not voided under it, its payment given back whole when the bank confirms.
    paid = paid_refusal(application)
    refuse_while_being_paid(ports, application, then=VOID_ONCE_FAILED, when_paid=paid)
    # Stripe's void decides (``void_at_stripe``): a debit begun since the read has it refused,
    # and a refusal is never taken as a void.
    held = void_at_stripe(ports, invoice.invoice_id)
    if held is InvoicePaying.PAID:
        raise paid
    if held.on_its_way:
        raise settling_refused(invoice, VOID_ONCE_FAILED)
    settled = organisers_voided(ports, application_id, invoice.invoice_id, first=application)
    return Acted(settled.saved, changed=settled.changed)


def organisers_voided(
    ports: Ports, application_id: str, invoice_id: str, *, first: Application | None = None
) -> Settled:
    """Stripe voided ``invoice_id`` at an organiser's ask: the ask recorded on the invoice
    (``InvoiceRef.void_asked``), then applied as Stripe's own ``invoice.voided`` is, which
    then ends the hold even while it is marked for an act (``void_ends_the_hold``), the place
    let go if it is still the booking's open invoice; nothing changes otherwise."""

    def asked(current: Application) -> Application:
        held = current.invoice
        if held is None or held.invoice_id != invoice_id or held.void_asked:
            return current
        marked = held.model_copy(update={"void_asked": True})
        return ports.repository.save(current.model_copy(update={"invoice": marked}), current)

    def read() -> Application:
        return load_application(ports, application_id)

    first = retried(asked, read) if first is None else retried(asked, read, first=first)
    return settle_money(
        ports, application_id, organisers_void(invoice_id, application_id), first=first
    )


def resend_invoice(ports: Ports, application_id: str) -> Application:
    application = load_application(ports, application_id)
    if application.invoice is None or not application.has_open_invoice():
        raise Conflict("this application has no open invoice", code="no_open_invoice")
    invoice_id = application.invoice.invoice_id
    send_invoice_again(ports, invoice_id)
    logger.info("invoice sent again", extra={"application_id": application_id})

    def record(current: Application) -> Application:
        # Written down once Stripe has it (its timeline line says so); an invoice replaced
        # meanwhile is not the one sent again.
        sent = current.invoice
        if sent is None or sent.invoice_id != invoice_id:
            return current
        again = sent.model_copy(update={"resent": sent.resent + 1})
        new = current.model_copy(update={"invoice": again, "updated_at": ports.clock()})
        return ports.repository.save(new, current)

    return retried(record, lambda: load_application(ports, application_id), first=application)


def send_invoice_again(ports: Ports, invoice_id: str) -> None:
    """Have Stripe email an open invoice to its billing contact again: the one way for a
    single booking's invoice and a group's (``group_invoice_resend``)."""
    ports.payments.resend_invoice(invoice_id)
