"""Turning down an offered place, from the person's own page: the place goes
back by the path a lapsed offer's takes (``services.lifecycle.end_unpaid_hold``: the open
checkout expired at Stripe, the application released, the person emailed), then at once to
the next in line (``services.waitlist.offer_free_places``), not at the next sweep.

An offered place its person chose to have their employer invoiced for may be turned down too
, until the invoice's due day ends: the invoice is voided at Stripe first
(``invoice_requests.voided_first``, marked as the decline's), then the place goes back in the
same save that records it void (``end_declined_invoice``), the person and the billing contact
told that nothing is owed on it. The mark and void are decided again on a fresh read when the
application was written meanwhile, never a 500. Refused in words while the
employer's payment of it is on its way (Stripe refuses the void), nothing changed.

Pressed twice, the second press changes nothing and says so; refused, in words, once the offer
was taken up (a payment going through, booked) or lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.errors import PAYMENT_ON_ITS_WAY, Conflict
from booking.domain.invoice_voiding import VoidingFor, voiding_of
from booking.domain.offer_declines import decline_refusal, invoiced_offer, was_declined
from booking.domain.offer_ends import OFFER_DECLINED, OFFER_LAPSED
from booking.domain.payment_settlement import invoice_released
from booking.domain.wording import status_named
from booking.services.access import authorised, existing_course, offer_lapsed
from booking.services.concurrency import concurrent_update, retried
from booking.services.invoice_requests import voided_first, without_voiding
from booking.services.lifecycle import end_unpaid_hold
from booking.services.ports import Ports
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


@dataclass(frozen=True)
class Declined:
    """The application after its offer was turned down; ``already``: by an earlier press."""

    application: Application
    already: bool


def decline_offer(ports: Ports, application_id: str, token: str) -> Declined:
    """Turn down the offer ``application_id`` holds (its token ``token``)."""
    first = authorised(ports, application_id, token)
    if was_declined(first):
        return Declined(first, already=True)
    course = existing_course(ports, first.course_id)
    _refuse_unless_declinable(first, course, ports)
    now = ports.clock()
    if invoiced_offer(first, now):
        return _invoice_declined(ports, first, course, now)

    def turned_down(current: Application) -> str | None:
        return OFFER_DECLINED if decline_refusal(current, now) is None else None

    released = end_unpaid_hold(ports, application_id, now, turned_down)
    current = authorised(ports, application_id, token)
    if released and was_declined(current):
        logger.info("offer declined", extra={"application_id": application_id})
        offer_free_places(ports, course.course_id)
        return Declined(current, already=False)
    # Said from what was written: released meanwhile by another (the sweep's
    # lapse, an organiser's cancel), or by a second press alongside, or paid a moment ago.
    if was_declined(current):
        return Declined(current, already=True)  # a second press that ran alongside
    _refuse_unless_declinable(current, course, ports)
    raise Conflict(  # paid at Stripe a moment ago: its webhook books the place
        "your payment for this place has just been made, so it cannot be turned down now",
        code="payment_pending",
    )


def _invoice_declined(ports: Ports, first: Application, course: Course, now: datetime) -> Declined:
    """An invoiced offer turned down: its invoice voided at Stripe first (refused while a
    payment of it is on its way: nothing changed), then the place given back and offered on."""
    act = VoidingFor(since=now, declined=True)

    def marked_and_voided(current: Application) -> bool:
        # Decided again on each fresh read: written meanwhile (an email
        # recorded), the mark is saved over the new version; written while Stripe voided it,
        # the void stands and the decline goes on to its end. False: declined meanwhile.
        if was_declined(current):
            return False
        _refuse_unless_declinable(current, course, ports)
        if not invoiced_offer(current, now):
            raise concurrent_update()  # no longer an invoiced offer, nor refused: look again
        voided_first(ports, current, act)
        return True

    def read() -> Application:
        return authorised(ports, first.application_id, first.token)

    try:
        retried(marked_and_voided, read, first=first)
    except Conflict as refused:
        if refused.code not in PAYMENT_ON_ITS_WAY:  # said below in the person's words
            raise
        raise Conflict(
            "your employer's payment of the invoice for this place is going through, so the "
            "place cannot be turned down now",
            code="payment_pending",
        ) from refused
    ended = end_declined_invoice(ports, first.application_id, act)
    current = authorised(ports, first.application_id, first.token)
    if ended is None or not was_declined(current):
        return Declined(current, already=was_declined(current))
    logger.info("offer declined", extra={"application_id": first.application_id})
    offer_free_places(ports, course.course_id)
    return Declined(current, already=False)


def end_declined_invoice(ports: Ports, application_id: str, act: VoidingFor) -> Application | None:
    """The invoiced offer ``application_id`` turned down, once Stripe holds its invoice void
    (``act``: the decline's mark, which it must still carry): released as a turned-down offer,
    its invoice recorded void and unmarked, the person and the billing contact told that the
    invoice holds the place no more (``invoice_released``). Also the sweep's completion of a
    decline left half done (``invoice_void_sweep``). None: not marked so (any more)."""
    now = ports.clock()

    def decline(current: Application | None) -> Application | None:
        if current is None or voiding_of(current) != act:
            return None
        released = invoice_released(without_voiding(current), now, OFFER_DECLINED, "void")
        return ports.repository.save(released, current)

    return retried(decline, lambda: ports.repository.get_application(application_id))


def _refuse_unless_declinable(application: Application, course: Course, ports: Ports) -> None:
    refusal = decline_refusal(application, ports.clock())
    if refusal is None:
        return
    if refusal == OFFER_LAPSED:
        raise offer_lapsed(application, course)
    if refusal == "payment_pending":
        raise Conflict(
            "your payment for this place is going through, so it cannot be turned down now",
            code="payment_pending",
        )
    if application.status is ApplicationStatus.CONFIRMED:
        said = "this place is booked already, so there is no offer to turn down"
    else:
        said = (
            f"this application is {status_named(application.status)}: "
            "there is no offer of a place to turn down"
        )
    raise Conflict(said, code="not_offered")
