"""Paying by card: a fresh Stripe Checkout session for an application that may pay now, the old
one expired first. ``booking.services.applications`` re-exports :func:`start_checkout`."""

from __future__ import annotations

from datetime import timedelta

from aws_lambda_powertools import Logger

from booking.domain.application import (
    Application,
    ApplicationStatus,
    CheckoutRef,
)
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.errors import (
    Conflict,
    CourseFull,
    DependencyUnavailable,
    StaleWrite,
    UnknownToProvider,
)
from booking.domain.limits import code_taken_since
from booking.domain.money import Money
from booking.domain.wording import cohort_name
from booking.services.access import (
    authorised,
    existing_course,
    refuse_if_offer_lapsed,
    refuse_unless_payable,
)
from booking.services.application_view import ApplicationView, view_of
from booking.services.concurrency import concurrent_update, retried
from booking.services.ports import CheckoutRequest, Ports
from booking.services.settle import expire_quietly
from booking.services.waitlist import (
    booked_if_nothing_owed,
    give_back_seat,
    held_for_payment,
)

logger = Logger(child=True)
S = ApplicationStatus


def start_checkout(ports: Ports, application_id: str, token: str) -> ApplicationView:
    """A fresh Checkout Session for an application that may pay now.

    The seat is taken (or kept) and any open session detached in one conditional write first;
    only then is the old session expired at Stripe and a new one opened. So Stripe's expiry
    webhook for the old session finds it no longer current and changes nothing, and two
    concurrent requests cannot both keep a payable session: each detaches what it sees. With
    nothing left to pay, the place is booked in that write instead: no checkout for nothing.
    """
    first = authorised(ports, application_id, token)
    course = existing_course(ports, first.course_id)
    refuse_unless_payable(first, course, ports.clock())
    live = live_checkout(ports, course, first)
    if live is not None:
        # A press while its session is open (a double click, a second tab): that session,
        # never a new one expiring it under the person.
        return view_of(ports, live, course)

    def hold_seat(application: Application) -> tuple[Application, CheckoutRef | None]:
        now = ports.clock()
        refuse_unless_payable(application, course, now)
        if (booked := booked_if_nothing_owed(ports, application, course, now)) is not None:
            return booked, None
        # Only a session still holding the seat can be open; an expired application's is dead.
        previous = application.checkout if application.seat_held else None
        held = held_for_payment(application, now).model_copy(
            update={"checkout_attempts": application.checkout_attempts + 1}
        )
        try:
            with code_taken_since():
                return ports.repository.save(held, application), previous
        except CourseFull:
            refuse_if_offer_lapsed(application, course)
            raise

    saved, previous = retried(
        hold_seat, lambda: authorised(ports, application_id, token), first=first, attempts=3
    )
    if saved.status is S.CONFIRMED:
        return view_of(ports, saved, course)
    return view_of(ports, _with_new_checkout(ports, course, saved, previous), course)


def _with_new_checkout(
    ports: Ports, course: Course, saved: Application, previous: CheckoutRef | None
) -> Application:
    """The old session expired at Stripe, a new one opened and recorded (the seat is held)."""
    now = ports.clock()
    try:
        if (
            previous is not None
            and previous.expires_at > now
            and ports.payments.expire_checkout(previous.session_id) == "complete"
        ):
            # Paid a moment ago: the seat is held and the payment webhook will confirm it.
            raise Conflict(
                "this checkout was already paid; confirmation is on its way", code="already_paid"
            )
        checkout = open_checkout(ports, course, saved, attempt=saved.checkout_attempts)
    except DependencyUnavailable:
        give_back_seat(ports, saved)
        raise
    hold_until = saved.hold_expires_at if saved.status is S.OFFERED else checkout.expires_at
    try:
        return ports.repository.save(
            saved.with_checkout(checkout).model_copy(update={"hold_expires_at": hold_until}), saved
        )
    except StaleWrite as exc:
        # Another request took over meanwhile; its session is the one that counts, and is
        # answered when it is open (the winner's, not this press's dead one).
        expire_quietly(ports, checkout.session_id)
        current = ports.repository.get_application(saved.application_id)
        winner = live_checkout(ports, course, current) if current is not None else None
        if winner is None:
            raise concurrent_update() from exc
        return winner


# A session with less than this left is replaced rather than answered again: the person gets
# the time to pay that a fresh one gives.
REUSED_ONLY_WITH = timedelta(minutes=10)


def live_checkout(ports: Ports, course: Course, application: Application) -> Application | None:
    """``application`` when its current Checkout Session can be answered to a press again (the
    one rule of a repeated press, as the first checkout's idempotency key makes a repeated
    application the same session): the seat is held for it, its page shows what a new one
    would (:func:`_shows_now`), it has time left, and Stripe holds it open (one read; expired
    there, or paid, it is not). None: a new session is to be opened."""
    checkout, now = application.checkout, ports.clock()
    if (
        checkout is None
        or checkout.move is not None
        or not application.seat_held
        or application.payment_pending
        or application.status not in (S.AWAITING_PAYMENT, S.OFFERED)
        or checkout.expires_at - now < REUSED_ONLY_WITH
        or not _shows_now(checkout, course, application)
    ):
        return None
    try:
        held = ports.payments.checkout_at_stripe(checkout.session_id)
    except (DependencyUnavailable, UnknownToProvider):
        return None
    return application if held.status == "open" else None


def _shows_now(checkout: CheckoutRef, course: Course, application: Application) -> bool:
    """Whether ``checkout``'s page (and Stripe's receipt) shows what a session made now would:
    the product name (the cohort by title and first day: a course renamed or brought forward
    meanwhile shows otherwise), the amount (after the code, as Stripe's total is;
    no bursary or price changed since) and the currency. A session recorded
    before its product name was (``None``) is not known to show the cohort as it is now
    named: a new one is opened, as it was for every press before an open session was reused."""
    return (
        checkout.product_name == cohort_name(course)
        and checkout.amount == application.amount_due(course.definition.price)
        and checkout.currency == _asked_for(course, application).currency
    )


def _asked_for(course: Course, application: Application) -> Money:
    """What a checkout for the place asks Stripe to collect (a bursary's share never reaches
    Stripe; a code is Stripe's to apply)."""
    price = application.price_or(course.definition.price)
    return Money(amount=price.amount - application.bursary, currency=price.currency)


def open_checkout(
    ports: Ports, course: Course, application: Application, attempt: int
) -> CheckoutRef:
    status_url = ports.status_url(application)
    discount = application.discount
    return ports.payments.create_checkout(
        CheckoutRequest(
            application_id=application.application_id,
            course_id=course.course_id,
            # The cohort by title and first day, as every message names it.
            product_name=cohort_name(course),
            price=_asked_for(course, application),
            discount=discount,
            customer_email=application.answers.email,
            expires_at=ports.clock() + CHECKOUT_HOLD,
            success_url=f"{status_url}&checkout=success",
            cancel_url=f"{status_url}&checkout=cancelled",
            attempt=attempt,
        )
    )
