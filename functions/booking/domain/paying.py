"""The one rule for paying for a place on a course (newcomer15 O15): nothing is paid once its
applications close (``Course.accepts_applications``, the public page's "Applications are
closed"). An offer, a checkout, an invoice, a group's places, a dearer move's difference: none
is opened that could not be paid before the first session starts, and an offer is held until
applications close at the latest (:func:`held_until`), the last moment its checkout may open.
A card payment Stripe takes after the start is given back (:func:`paid_late`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.payments import CheckoutEvent, CheckoutEventKind

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.settlement import MoneyFact


def takes_payment(course: Course, now: datetime) -> bool:
    """Whether a payment for a place on ``course`` may be opened now: held for
    ``CHECKOUT_HOLD`` (Stripe's least), it ends before the first session starts: when the
    course's applications close (``Course.accepts_applications``, every course is priced)."""
    return course.accepts_applications(now)


def joinable(course: Course, now: datetime) -> bool:
    """Whether someone already booked may move onto ``course`` now: not closed by organisers
    and not begun. A move asks no new application, so it is not held to the 31 minutes a
    priced course's applications close before its start; a move that asks a difference by
    card is (``takes_payment``, ``domain.transfers``)."""
    return not course.definition.closed and now < course.first_start()


def held_until(course: Course, now: datetime, hours: int) -> datetime:
    """A place held from ``now`` for ``hours`` (an offer): never past the moment applications
    close (``CHECKOUT_HOLD`` before the first session starts), the last moment its checkout
    can be opened (``takes_payment``), so the email, the JSON and the page say one deadline."""
    return min(now + timedelta(hours=hours), course.first_start() - CHECKOUT_HOLD)


def paid_at(fact: MoneyFact, now: datetime) -> datetime | None:
    """When ``fact``'s payment was taken, for a card payment that would confirm a place (a
    checkout paid): the moment Stripe took it where the event says, else ``now``; None for any
    other fact. An employer's invoice is not one: the place it holds is the person's through
    the course, and its payment after the course stands (as invoices often are paid); no
    invoice is issued once applications close (``domain.paying.takes_payment``)."""
    if isinstance(fact, CheckoutEvent) and fact.kind is CheckoutEventKind.PAID:
        return fact.created or now
    return None


def paid_in_its_hold(application: Application, fact: MoneyFact, now: datetime) -> bool:
    """Whether ``fact``'s payment was taken within the hold of the checkout it pays: one is
    opened only while it ends before applications close (``domain.paying.takes_payment``),
    so such a payment is in time and its course need not be read (the paid webhook's calls)."""
    moment, checkout = paid_at(fact, now), application.checkout
    return (
        moment is not None
        and isinstance(fact, CheckoutEvent)
        and checkout is not None
        and checkout.session_id == fact.session_id
        and moment <= checkout.expires_at
    )


def paid_late(course: Course, fact: MoneyFact, now: datetime) -> bool:
    """Whether ``fact`` is a payment taken once ``course`` had begun: it is given back, never
    confirmed. Judged by the first session's start alone: the organisers' closing of
    applications is today's flag, not what held when the payment was taken."""
    moment = paid_at(fact, now)
    return moment is not None and moment >= course.first_start()
