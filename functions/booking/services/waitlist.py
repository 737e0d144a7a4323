"""The waiting list: who is next, and offering free seats in order.

Kept apart from the lifecycle and payment services because both free seats and both must hand
them on; one place decides how.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import Situation
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.emails import EmailKind
from booking.domain.errors import CourseFull, StaleWrite
from booking.domain.limits import code_taken_since, released_to
from booking.domain.offer_ends import may_offer
from booking.domain.paying import held_until, joinable
from booking.domain.settlement import booked_with_nothing_to_pay, owes_nothing
from booking.services.ports import Ports

logger = Logger(child=True)
S = ApplicationStatus


# Why a place is offered, which the email says: the organisers approved the application, or a
# place came free for the first on the waiting list. No default: every caller says which.
OfferReason = Literal["approved", "place_freed"]


def offer(
    application: Application, deadline: datetime, now: datetime, *, reason: OfferReason
) -> Application:
    """Hold a seat until ``deadline``; ``reason`` tells the email why (approved, or freed)."""
    attempt = application.checkout_attempts
    return application.moved_to(
        S.OFFERED,
        now,
        seat_held=True,
        hold_expires_at=deadline,
        offer_expires_at=deadline,
        checkout=None,
        status_reason=None,
    ).with_emails(
        application.email(
            EmailKind.OFFER,
            occasion=f"offer{attempt}-{int(now.timestamp())}",
            reason=reason,
        )
    )


def given_a_seat(
    application: Application, course: Course, now: datetime, *, reason: OfferReason
) -> Application:
    """A seat for ``application``: offered for the course's offer period, or, when nothing is
    left to pay (``domain.settlement.owes_nothing``), booked at once."""
    situation = Situation(now=now, course_price=course.definition.price)
    if owes_nothing(application, situation):
        return booked_with_nothing_to_pay(application, situation)
    deadline = held_until(course, now, course.definition.offer_valid_hours)
    return offer(application, deadline, now, reason=reason)


def held_for_payment(application: Application, now: datetime) -> Application:
    """The seat taken (or kept) while Stripe opens what will be paid (a checkout, an invoice);
    an offer keeps its deadline, anything else has a checkout's hold, which the sweep frees if
    the payment is never opened."""
    offered = application.status is S.OFFERED
    return application.moved_to(
        S.OFFERED if offered else S.AWAITING_PAYMENT,
        now,
        seat_held=True,
        checkout=None,
        status_reason=None,  # a payment begun again: an earlier one's refusal is not said now
        hold_expires_at=application.offer_expires_at if offered else now + CHECKOUT_HOLD,
    )


def booked_if_nothing_owed(
    ports: Ports, application: Application, course: Course, now: datetime
) -> Application | None:
    """``application`` booked and saved at once when nothing is left to pay
    (``domain.settlement.owes_nothing``): a press to pay by card or by invoice opens no
    checkout and sends no invoice for nothing. None: something is owed, nothing written."""
    situation = Situation(now=now, course_price=course.definition.price)
    if not owes_nothing(application, situation):
        return None
    booked = booked_with_nothing_to_pay(application, situation)
    with code_taken_since():
        return ports.repository.save(booked, application)


def waitlist(application: Application, now: datetime, *, approved: bool = False) -> Application:
    """On the waiting list; ``approved``: the organisers approved it when the course was full,
    which its email says (the approval is news, as an offer's is). A new application that
    finds the course full is told both in one email: its waiting-list notice
    says it was received, in place of the acknowledgement queued with it."""
    if not approved:
        unsent = tuple(
            j for j in application.outbox if j.kind is not EmailKind.APPLICATION_RECEIVED
        )
        application = application.model_copy(update={"outbox": unsent})
    return released_to(application, S.WAITLISTED, now, waitlisted_at=now).with_emails(
        application.email(
            EmailKind.WAITLISTED,
            reason="approved" if approved else None,
        )
    )


def offer_free_places(ports: Ports, course_id: str) -> list[str]:
    """Offer every free seat to the waiting list, first come first served. Once applications
    close (``Course.accepts_applications``) nobody applying could pay for a seat before the
    course begins, nor in the last minutes before (``domain.offer_ends.may_offer``: too little
    time to act on an offer), so the applicants waiting are passed over (never offered, never
    in the way; told when applications close, ``services.wait_closed``): until it begins
    (``joinable``) a freed seat goes to the first booking whose move waits for it and needs no
    payment (a dearer one ends unmoved, told why)."""
    course = ports.repository.get_course(course_id)
    now = ports.clock()
    if course is None or course.waiting == 0 or course.places_left == 0:
        return []
    if not joinable(course, now):
        return []  # closed by its organisers, or begun: nobody joins it any more
    applicants_may_pay = may_offer(course, now)
    # Imported here: a waiting move, once moved, offers the seat it left through this function.
    from booking.services import waiting_moves

    # One list, one order: the people who applied here and the bookings whose move waits for
    # a seat here (``domain.waiting_moves``), each by when it began waiting.
    queue = sorted(
        (
            *(
                a
                for a in ports.repository.list_applications(course_id)
                if a.status is S.WAITLISTED and applicants_may_pay
            ),
            *waiting_moves.waiting_for(ports, course),
        ),
        key=waiting_moves.place_in_line,
    )
    offered: list[str] = []
    for application in queue:
        if len(offered) >= course.places_left:
            break
        try:
            if application.status is S.WAITLISTED:
                ports.repository.save(
                    given_a_seat(application, course, now, reason="place_freed"), application
                )
            elif not waiting_moves.offer_seat(ports, application, course):
                continue  # its move could not be made any more: it ended, the next one's turn
        except CourseFull:
            break
        except StaleWrite:
            continue  # changed meanwhile (cancelled, say): the next in line gets the seat
        offered.append(application.application_id)
    if offered:
        logger.info(
            "waiting list offered places", extra={"course_id": course_id, "offered": len(offered)}
        )
    return offered


def waitlist_position(ports: Ports, application: Application) -> int | None:
    if application.status is not S.WAITLISTED:
        return None
    from booking.services import waiting_moves

    return position_in_line(ports, application.course_id, waiting_moves.place_in_line(application))


def position_in_line(ports: Ports, course_id: str, mine: tuple[datetime, str]) -> int:
    """The place in ``course_id``'s one waiting line (1 = next) of whoever stands at ``mine``
    (``services.waiting_moves.place_in_line``): an applicant there or a booking whose move
    waits there, counted alike."""
    from booking.services import waiting_moves

    ahead = sum(
        1
        for other in ports.repository.list_applications(course_id)
        if other.status is S.WAITLISTED and waiting_moves.place_in_line(other) < mine
    )
    course = ports.repository.get_course(course_id)
    if course is not None and course.waiting > 1:
        # Bookings whose move waits for a seat here stand in the same line.
        ahead += sum(
            1
            for other in waiting_moves.waiting_for(ports, course)
            if waiting_moves.place_in_line(other) < mine
        )
    return ahead + 1


def waiting_positions(ports: Ports, course: Course) -> dict[str, int]:
    """Each waiting application's place in ``course``'s one line (1 = next), by application
    id, counted as :func:`position_in_line` counts one (applicants and waiting moves alike),
    read once for a whole list: the roster's and the console's "Waiting list" number."""
    from booking.services import waiting_moves

    line = [
        application
        for application in ports.repository.list_applications(course.course_id)
        if application.status is S.WAITLISTED
    ]
    if course.waiting:
        line += waiting_moves.waiting_for(ports, course)
    ordered = sorted(line, key=waiting_moves.place_in_line)
    return {application.application_id: n for n, application in enumerate(ordered, 1)}


def give_back_seat(ports: Ports, saved: Application) -> None:
    """Stripe could not open what would be paid (a session, an invoice): free the seat now (an
    offer keeps its seat). If the application changed meanwhile, the hold's own deadline lets
    the sweep free it."""
    try:
        ports.repository.save(
            saved.moved_to(saved.status, ports.clock(), seat_held=saved.status is S.OFFERED),
            saved,
        )
    except StaleWrite:
        logger.warning("seat left to the sweep", extra={"application_id": saved.application_id})
