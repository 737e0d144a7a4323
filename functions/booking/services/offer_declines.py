"""Turning down an offered place (organiser20 F7), from the person's own page: the place goes
back by the path a lapsed offer's takes (``services.lifecycle.end_unpaid_hold``: the open
checkout expired at Stripe, the application released, the person emailed), then at once to
the next in line (``services.waitlist.offer_free_places``), not at the next sweep.

Pressed twice, the second press changes nothing and says so; refused, in words, once the offer
was taken up (a payment going through, booked) or lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.errors import Conflict
from booking.domain.offer_declines import decline_refusal, was_declined
from booking.domain.offer_ends import OFFER_DECLINED, OFFER_LAPSED
from booking.domain.wording import status_named
from booking.services.access import authorised, existing_course, offer_lapsed
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

    def turned_down(current: Application) -> str | None:
        return OFFER_DECLINED if decline_refusal(current, now) is None else None

    released = end_unpaid_hold(ports, application_id, now, turned_down)
    current = authorised(ports, application_id, token)
    if released and was_declined(current):
        logger.info("offer declined", extra={"application_id": application_id})
        offer_free_places(ports, course.course_id)
        return Declined(current, already=False)
    # Said from what was written (hostile31 N3): released meanwhile by another (the sweep's
    # lapse, an organiser's cancel), or by a second press alongside, or paid a moment ago.
    if was_declined(current):
        return Declined(current, already=True)  # a second press that ran alongside
    _refuse_unless_declinable(current, course, ports)
    raise Conflict(  # paid at Stripe a moment ago: its webhook books the place
        "your payment for this place has just been made, so it cannot be turned down now",
        code="payment_pending",
    )


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
