"""The one rule for paying for a place on a course: nothing is paid once its
applications close (``Course.accepts_applications``, the public page's "Applications are
closed": one name for the rule, the course's own, since a checkout held ``CHECKOUT_HOLD``
from then would outlive the first start and every course is priced). An offer, a checkout, an
invoice, a group's places, a dearer move's difference: none is opened that could not be paid
before the first session starts, and an offer is held until applications close at the latest
(:func:`held_until`), the last moment its checkout may open. A payment whose checkout was
completed after the start is given back (:func:`paid_late`), the start as the course stands
when the payment is heard of (an organiser may bring it forward while a checkout is open); one
by a delayed method (Bacs, SEPA) whose checkout the person completed before it is honoured
however late it settles: they did all they could in time. One exception to the closing: a
group's give-up of a place let through while applications were open and stopped half done is
completed after they close, its new payment for places booked already
(``group_give_ups.opens_a_new_way_to_pay``); a checkout of it completed after the start is
given back as any (:func:`completed_late`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from booking.domain.course import Course
from booking.domain.payments import CheckoutEvent, CheckoutEventKind

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.payment_record import CheckoutRef
    from booking.domain.settlement import MoneyFact


def joinable(course: Course, now: datetime) -> bool:
    """Whether someone already booked may move onto ``course`` now: not closed by organisers
    and not begun. A move asks no new application, so it is not held to the 31 minutes a
    priced course's applications close before its start; a move that asks a difference by
    card is (``Course.accepts_applications``, ``domain.transfers``)."""
    return not course.definition.closed and now < course.first_start()


def held_until(course: Course, now: datetime, hours: int) -> datetime:
    """A place held from ``now`` for ``hours`` (an offer): never past the moment applications
    close (``CHECKOUT_HOLD`` before the first session starts), the last moment its checkout
    can be opened (``Course.accepts_applications``), so the email, the JSON and the page say
    one deadline."""
    return min(now + timedelta(hours=hours), course.applications_close_at())


def paid_at(fact: MoneyFact, now: datetime) -> datetime | None:
    """When ``fact``'s payment was taken, for a card payment that would confirm a place (a
    checkout paid): the moment Stripe took it where the event says, else ``now``; None for any
    other fact. An employer's invoice is not one: the place it holds is the person's through
    the course, and its payment after the course stands (as invoices often are paid); no
    invoice is issued once applications close (``Course.accepts_applications``)."""
    if isinstance(fact, CheckoutEvent) and fact.kind is CheckoutEventKind.PAID:
        return fact.created or now
    return None


def course_paid_for(application: Application, fact: MoneyFact) -> str:
    """The course whose start ``fact``'s payment is judged by (:func:`completed_late`): the
    cohort an open dearer move is to join, for that move's difference (the move is made onto
    it); the booking's own course for anything else."""
    pending = application.pending_move
    if (
        isinstance(fact, CheckoutEvent)
        and pending is not None
        and pending.session_id == fact.session_id
    ):
        return pending.to_course_id
    return application.course_id


def paid_late(
    course: Course, fact: MoneyFact, moment: datetime | None, application: Application | None
) -> bool:
    """Whether ``fact``, a payment taken at ``moment`` (:func:`paid_at`; None: no payment), is
    given back as late, never confirmed (:func:`completed_late`, of the checkout of
    ``application``'s it pays, if this system opened it)."""
    asked = None
    if isinstance(fact, CheckoutEvent) and application is not None:
        asked = application.asked_in(fact.session_id)
    return completed_late(course, moment, asked)


def completed_late(course: Course, moment: datetime | None, asked: CheckoutRef | None) -> bool:
    """Whether a payment taken at ``moment`` (:func:`paid_at`; None: no payment) on the
    checkout ``asked`` (the one this system opened that it pays, a single booking's or a
    group's; None: none it opened) is given back as late, never confirmed: its checkout
    completed once ``course`` had begun (its first session's start as the course stands now;
    the organisers' closing of applications is today's flag, not what held then). Stripe
    completes a checkout only before it expires, so one whose hold ended by the start was
    completed in time, however late a delayed method (Bacs, SEPA: completed unpaid, settled
    days later) took the money: honoured. One whose hold outlives the start (an organiser
    brought the start forward after it opened: it was opened only while its hold ended before
    applications closed) was completed in time only if it is known so: the moment its
    completion was recorded (``CheckoutRef.completed_at``, a delayed method's), else the
    moment it was paid (a card's completion is its payment). Of any other checkout, the
    moment it was paid is all that is known of its completion."""
    start = course.first_start()
    if moment is None or moment < start:
        return False
    if asked is None:
        return True
    if asked.expires_at <= start:
        return False
    completed = asked.completed_at or moment
    return completed >= start
