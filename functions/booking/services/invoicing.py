"""Paying by invoice: the employer is invoiced through Stripe, the seat is held until the
invoice falls due, and Stripe's invoice events confirm the booking or let the place go.

Like a checkout, an invoice is asked of Stripe only after the seat is safely held, and the
application is written in one conditional write afterwards; an invoice that ends up belonging
to nothing (the write lost a race, the course filled) is voided again.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from booking.domain.application import Application, ApplicationForm, ApplicationStatus
from booking.domain.billing import BillingDetails, PaymentMethod, invoice_due, invoice_hold_ends
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import (
    Conflict,
    CourseFull,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    StaleWrite,
)
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind, decide_invoice
from booking.domain.money import Money
from booking.domain.payments import Action, Decision
from booking.domain.validation import field_reasons
from booking.services.access import authorised, refuse_unless_payable
from booking.services.concurrency import load_application, retried
from booking.services.payments import EventOutcome, apply_stripe_event
from booking.services.ports import InvoiceRequest, Ports
from booking.services.waitlist import give_back_seat, offer_free_places

logger = Logger(child=True)
S = ApplicationStatus


# -- asking for an invoice ---------------------------------------------------------------------


def billing_for(course: Course, form: ApplicationForm) -> BillingDetails | None:
    """The billing contact of an application by invoice (None: by card), or InvalidInput."""
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
    if course.definition.po_required and not billing.po_number:
        raise InvalidInput(
            "the billing details need attention",
            {"po_number": "this course needs your organisation's purchase order number"},
        )
    return billing


def invoice_due_or_refuse(
    course: Course, now: datetime, bank_holidays: Container[date]
) -> datetime:
    due = _due(course, now, bank_holidays)
    if due is None:
        raise InvalidInput(
            "it is too close to the start for an invoice",
            {"payment_method": "the course starts too soon to pay by invoice; please pay by card"},
        )
    return due


def _due(course: Course, now: datetime, bank_holidays: Container[date]) -> datetime | None:
    definition = course.definition
    return invoice_due(
        now,
        definition.invoice_due_days,
        course.first_start(),
        definition.invoice_due_before_start_days,
        definition.timezone,
        bank_holidays,
    )


def issue_invoice(
    ports: Ports, course: Course, application: Application, due_at: datetime, *, attempt: int
) -> Application:
    """Have Stripe send the invoice; the application as it must then be stored (the seat held
    until the invoice falls due). Raises DependencyUnavailable when Stripe cannot."""
    billing = application.billing
    assert billing is not None, "an invoice needs a billing contact"
    price = application.price_or(course.definition.price)
    discount = application.discount
    invoice = ports.payments.create_invoice(
        InvoiceRequest(
            application_id=application.application_id,
            course_id=course.course_id,
            # What the employer's accounts need to match it: the course and who attends.
            description=f"{course.definition.title}: a place for {application.answers.name}",
            amount=Money(amount=price.amount - application.bursary, currency=price.currency),
            billing=billing,
            due_at=due_at,
            attempt=attempt,
            promotion_code_id=discount.promotion_code_id if discount else None,
        )
    )
    now = ports.clock()
    return application.moved_to(
        S.AWAITING_INVOICE_PAYMENT,
        now,
        seat_held=True,
        checkout=None,
        hold_expires_at=invoice_hold_ends(invoice.due_at, course.definition.timezone),
        invoice=invoice,
        invoice_attempts=attempt,
        payment_method=PaymentMethod.INVOICE,
        status_reason=None,
    ).with_emails(
        EmailJob.about(
            EmailKind.INVOICE_SENT,
            application.application_id,
            application.course_id,
            occasion=invoice.invoice_id,
        )
    )


def request_invoice(ports: Ports, application_id: str, token: str) -> Application:
    """The applicant asks for the invoice now (an offer, an expired checkout, or a first
    attempt Stripe could not take): the seat is held first, then the invoice sent."""
    first_read = [authorised(ports, application_id, token)]
    course = ports.repository.get_course(first_read[0].course_id)
    if course is None:
        raise NotFound("the course of this application no longer exists")

    def hold_seat() -> tuple[Application, datetime]:
        application = first_read.pop() if first_read else authorised(ports, application_id, token)
        now = ports.clock()
        _refuse_unless_invoiceable(application, course, now)
        due = _due(course, now, ports.bank_holidays)
        if due is None:
            raise Conflict(
                "the course starts too soon to pay by invoice", code="too_late_for_invoice"
            )
        offered = application.status is S.OFFERED
        held = application.moved_to(
            S.OFFERED if offered else S.AWAITING_PAYMENT,
            now,
            seat_held=True,
            checkout=None,
            # If this function dies before Stripe answers, the sweep frees the seat after this.
            hold_expires_at=application.offer_expires_at if offered else now + CHECKOUT_HOLD,
        )
        previous = application.checkout if application.seat_held else None
        saved = ports.repository.save(held, application)
        # Switching from card to invoice: the old checkout can no longer take the place.
        if (
            previous is not None
            and previous.expires_at > now
            and ports.payments.expire_checkout(previous.session_id) == "complete"
        ):
            raise Conflict("this place was already paid for by card", code="already_paid")
        return saved, due

    saved, due = retried(hold_seat, attempts=3)
    try:
        issued = issue_invoice(ports, course, saved, due, attempt=saved.invoice_attempts + 1)
    except DependencyUnavailable:
        give_back_seat(ports, saved)
        raise
    try:
        return ports.repository.save(issued, saved)
    except StaleWrite as exc:
        assert issued.invoice is not None
        void_quietly(ports, issued.invoice.invoice_id)
        raise Conflict(
            "this application changed meanwhile; please retry", code="concurrent_update"
        ) from exc


def _refuse_unless_invoiceable(application: Application, course: Course, now: datetime) -> None:
    refuse_unless_payable(application, course, now)
    if not course.definition.invoice_allowed:
        raise Conflict("this course can only be paid by card", code="invoice_not_allowed")
    if application.billing is None:
        raise Conflict(
            "no billing contact was given with this application", code="no_billing_details"
        )


def void_quietly(ports: Ports, invoice_id: str) -> None:
    """Best effort: an invoice that belongs to nothing is voided; if that fails it stays open,
    and paying it later is a payment the webhook refunds."""
    try:
        ports.payments.void_invoice(invoice_id)
    except (DependencyUnavailable, Conflict):
        logger.warning("could not void an orphan invoice", extra={"invoice_id": invoice_id})


# -- the invoice's end -------------------------------------------------------------------------


def invoice_released(
    application: Application, now: datetime, reason: str, invoice_status: str
) -> Application:
    """The application after its invoice stopped holding the place (voided, uncollectible,
    overdue): the seat goes back, and the applicant and the billing contact are told."""
    invoice = application.invoice
    return application.moved_to(
        S.EXPIRED,
        now,
        seat_held=False,
        hold_expires_at=None,
        status_reason=reason,
        invoice=invoice.model_copy(update={"status": invoice_status}) if invoice else None,
    ).with_emails(
        EmailJob.about(
            EmailKind.INVOICE_ENDED,
            application.application_id,
            application.course_id,
            occasion=invoice.invoice_id if invoice else f"hold{application.version}",
            reason=reason,
        )
    )


def release_lapsed_invoice(ports: Ports, application_id: str, now: datetime) -> bool:
    """The sweep's part: an invoice unpaid at its due date lets the place go, then is voided
    at Stripe so it cannot be paid for a place that is no longer held. True if released."""
    released: list[Application] = []

    def release() -> None:
        current = ports.repository.get_application(application_id)
        lapses = current.hold_lapses_at() if current is not None else None
        if current is None or lapses is None or lapses > now:
            return  # paid, renewed or released meanwhile
        status = "void" if current.invoice else "open"
        # No invoice at all: the replacement for one a bursary changed could not be made
        # (Stripe down); the hold ran out waiting for it, not for an employer to pay.
        reason = "invoice_overdue" if current.invoice else "invoice_not_issued"
        saved = ports.repository.save(invoice_released(current, now, reason, status), current)
        released.append(saved)

    retried(release)
    if not released:
        return False
    invoice = released[0].invoice
    if invoice is not None:
        void_quietly(ports, invoice.invoice_id)
    return True


# -- Stripe's invoice events ---------------------------------------------------------------


def apply_invoice_event(ports: Ports, event: InvoiceEvent) -> EventOutcome:
    outcome = apply_stripe_event(
        ports,
        "invoice",
        event.event_id,
        event.application_id,
        decide=lambda application: decide_invoice(application, event, ports.clock()),
        apply=lambda application, decision: _apply(ports, application, event, decision),
    )
    if event.kind is InvoiceEventKind.OVERDUE and outcome.action == Action.RELEASE_HOLD.value:
        # The place is gone: the invoice must not be paid for it any more.
        void_quietly(ports, event.invoice_id)
    return outcome


def _apply(
    ports: Ports, application: Application, event: InvoiceEvent, decision: Decision
) -> Application:
    now = ports.clock()
    app_id, course_id = application.application_id, application.course_id
    if decision.action in (Action.CONFIRM, Action.CONFIRM_IF_SEAT_FREE):
        invoice = application.invoice
        assert invoice is not None
        confirmed = (
            application.moved_to(
                S.CONFIRMED,
                now,
                seat_held=True,
                hold_expires_at=None,
                payment_pending=False,
                payment_intent=ports.payments.invoice_payment_intent(event.invoice_id),
                amount_paid=event.amount_paid,
                invoice=invoice.model_copy(update={"status": "paid"}),
                status_reason=None,
            )
            .with_event(event.event_id)
            .with_emails(
                EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
                EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion="booked"),
            )
        )
        try:
            return ports.repository.save(confirmed, application)
        except CourseFull:
            return _refund(ports, application, event, "course_full")
    if decision.action is Action.REFUND:
        return _refund(ports, application, event, decision.reason)
    # RELEASE_HOLD
    status = {InvoiceEventKind.VOIDED: "void", InvoiceEventKind.UNCOLLECTIBLE: "uncollectible"}
    released = invoice_released(
        application, now, decision.reason, status.get(event.kind, "overdue")
    )
    return ports.repository.save(released.with_event(event.event_id), application)


def _refund(
    ports: Ports, application: Application, event: InvoiceEvent, reason: str
) -> Application:
    """Give back an invoice payment the booking cannot honour (Stripe first, keyed by the
    invoice, so a repeat after a crash is the same refund)."""
    intent = ports.payments.invoice_payment_intent(event.invoice_id)
    if intent is None:
        # Paid outside Stripe (recorded by an organiser): nothing Stripe can give back.
        logger.warning(
            "an invoice paid outside Stripe cannot be refunded automatically",
            extra={"application_id": application.application_id, "reason": reason},
        )
        kept = application.model_copy(update={"updated_at": ports.clock()})
        return ports.repository.save(kept.with_event(event.event_id), application)
    ports.payments.refund(intent, amount=None, idempotency_key=f"refund-{event.invoice_id}")
    app_id, course_id = application.application_id, application.course_id
    email = EmailJob.about(
        EmailKind.PAYMENT_REFUNDED, app_id, course_id, occasion=event.invoice_id, reason=reason
    )
    if application.status in (S.CONFIRMED, S.REFUNDED):
        kept = application.model_copy(update={"updated_at": ports.clock()})
        return ports.repository.save(
            kept.with_event(event.event_id).with_emails(email), application
        )
    refunded = application.moved_to(
        S.REFUNDED,
        ports.clock(),
        seat_held=False,
        hold_expires_at=None,
        payment_pending=False,
        payment_intent=intent,
        amount_paid=event.amount_paid,
        amount_refunded=event.amount_paid,
        status_reason=reason,
    )
    return ports.repository.save(
        refunded.with_event(event.event_id).with_emails(email), application
    )


# -- organisers ----------------------------------------------------------------------------


def void_by_organiser(ports: Ports, application_id: str) -> Application:
    """Void the open invoice at Stripe (refused if it was paid), then let the place go."""
    application = load_application(ports, application_id)
    invoice = application.invoice
    if invoice is None or not application.has_open_invoice():
        raise Conflict("this application has no open invoice", code="no_open_invoice")
    if ports.payments.void_invoice(invoice.invoice_id) == "paid":
        raise Conflict(
            "this invoice was paid already; its confirmation is on its way", code="invoice_paid"
        )
    first_read = [application]

    def record() -> Application:
        current = first_read.pop() if first_read else load_application(ports, application_id)
        still_open = current.has_open_invoice() and current.invoice == invoice
        if not still_open:
            return current  # Stripe's invoice.voided got here first
        released = invoice_released(current, ports.clock(), "invoice_voided", "void")
        return ports.repository.save(released, current)

    saved = retried(record)
    if application.seat_held and not saved.seat_held:
        offer_free_places(ports, saved.course_id)
    return saved


def resend_invoice(ports: Ports, application_id: str) -> Application:
    application = load_application(ports, application_id)
    if application.invoice is None or not application.has_open_invoice():
        raise Conflict("this application has no open invoice", code="no_open_invoice")
    ports.payments.resend_invoice(application.invoice.invoice_id)
    logger.info("invoice sent again", extra={"application_id": application_id})
    return application
