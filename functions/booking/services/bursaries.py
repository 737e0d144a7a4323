"""Bursaries: an organiser funds a place, in full or in part.

A fully funded place is confirmed at once, with no payment step and the same emails as a paid
booking (it needs a free seat, or the one the application already holds). A part-funded place
pays the rest: an open checkout is closed (the applicant starts a new one at the new amount from
their status page), and an open invoice is replaced by one for the rest.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import FUNDABLE_STATUSES, Application, ApplicationStatus
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
from booking.domain.wording import status_named
from booking.services.concurrency import concurrent_update, load_application, retried
from booking.services.invoicing import invoice_due_or_refuse, issue_invoice, void_quietly
from booking.services.ports import Ports

logger = Logger(child=True)
S = ApplicationStatus


def grant_bursary(ports: Ports, application_id: str, amount: object) -> Application:
    application = load_application(ports, application_id)
    course = ports.repository.get_course(application.course_id)
    if course is None:
        raise NotFound("the course of this application no longer exists")
    price = application.price_or(course.definition.price)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidInput(
            "the bursary needs attention", {"amount": "Enter a whole number of pence, at least 1"}
        )
    if amount > price.amount:
        raise InvalidInput(
            "the bursary needs attention",
            {"amount": f"Enter at most the price of the place, {price.in_minor_units()}"},
        )
    if amount == price.amount:
        return _fund_in_full(ports, course, application_id, amount)
    return _fund_in_part(ports, course, application_id, amount)


def _refuse_unless_fundable(application: Application) -> None:
    if application.status not in FUNDABLE_STATUSES:
        raise Conflict(
            "a bursary cannot be given to an application that is "
            f"{status_named(application.status)}",
            code="not_fundable",
        )


def _fund_in_full(ports: Ports, course: Course, application_id: str, amount: int) -> Application:
    before: list[Application] = []

    def confirm() -> Application:
        current = load_application(ports, application_id)
        if current.status is S.CONFIRMED and current.bursary == amount:
            return current  # asked twice
        _refuse_unless_fundable(current)
        before[:] = [current]
        invoice = current.invoice
        app_id, course_id = current.application_id, current.course_id
        confirmed = current.moved_to(
            S.CONFIRMED,
            ports.clock(),
            seat_held=True,
            hold_expires_at=None,
            checkout=None,
            payment_pending=False,
            bursary=amount,
            status_reason="funded",
            # Its invoice is voided below: a payment of it is a duplicate and goes back.
            invoice=invoice.model_copy(update={"status": "void"})
            if current.has_open_invoice() and invoice
            else invoice,
        ).with_emails(
            EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
            EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion="booked"),
        )
        try:
            return ports.repository.save(confirmed, current)
        except CourseFull as exc:
            raise Conflict(
                "no place is free for this funded booking; raise the capacity first",
                code="course_full",
            ) from exc

    saved = retried(confirm)
    if before:
        _close_open_payment(ports, before[0])
        logger.info("place funded in full", extra={"application_id": application_id})
    return saved


def _fund_in_part(ports: Ports, course: Course, application_id: str, amount: int) -> Application:
    before: list[Application] = []

    def record() -> Application:
        current = load_application(ports, application_id)
        _refuse_unless_fundable(current)
        before[:] = [current]
        reissue = current.has_open_invoice()
        funded = current.model_copy(
            update={
                "bursary": amount,
                "updated_at": ports.clock(),
                # The open checkout or invoice asks for the old amount: it no longer counts.
                "checkout": None,
                "invoice": None if reissue else current.invoice,
                # The seat stays theirs while the new invoice is made (the sweep frees it if
                # this dies first); a detached checkout's hold runs on as it was.
                "hold_expires_at": ports.clock() + CHECKOUT_HOLD
                if reissue
                else current.hold_expires_at,
            }
        ).with_emails(
            EmailJob.about(
                EmailKind.BURSARY_GRANTED,
                current.application_id,
                current.course_id,
                occasion=f"bursary-{amount}-{current.version}",
            )
        )
        return ports.repository.save(funded, current)

    saved = retried(record)
    previous = before[0]
    _close_open_payment(ports, previous)
    if not previous.has_open_invoice():
        return saved
    try:
        due = invoice_due_or_refuse(course, ports.clock(), ports.bank_holidays)
        issued = issue_invoice(ports, course, saved, due, attempt=saved.invoice_attempts + 1)
    except (InvalidInput, DependencyUnavailable):
        # The seat's short hold lapses and the applicant is told; they can ask for a new
        # invoice (or pay by card) from their status page.
        logger.warning("replacement invoice not issued", extra={"application_id": application_id})
        raise
    try:
        return ports.repository.save(issued, saved)
    except StaleWrite as exc:
        assert issued.invoice is not None
        void_quietly(ports, issued.invoice.invoice_id)
        raise concurrent_update() from exc


def _close_open_payment(ports: Ports, previous: Application) -> None:
    """Close what asked for the old amount: expire the checkout, void the invoice."""
    checkout = previous.checkout if previous.seat_held else None
    if checkout is not None and checkout.expires_at > ports.clock():
        try:
            ports.payments.expire_checkout(checkout.session_id)
        except (DependencyUnavailable, Conflict):
            logger.warning(
                "checkout left to expire", extra={"application_id": previous.application_id}
            )
    if previous.has_open_invoice() and previous.invoice is not None:
        void_quietly(ports, previous.invoice.invoice_id)
