"""An act left half done after its card checkout's expiry: an organiser's cancel or
invoice to the employer instead of the card, a person's erasure (of the
booking's own checkout, or of the checkout of a move waiting for its difference) or a
manager's give-up of one place of a group expires the open Checkout Session
at Stripe before its save, marked first with the act and its time (``CheckoutRef.
expiring_for``, ``PendingMove.expiring_for``, ``checkout_expiry.expired_first``).
When the function was stopped between Stripe's expiry and the save, the booking is left
holding its place on a checkout nobody can pay.

It is completed as it was pressed, never ended as an unpaid hold ("payment not completed"),
as an invoice's act left half done is (``invoice_void_sweep``): by Stripe's
``checkout.session.expired`` of it (the expiry is then Stripe's word), or by the sweep, which
reads the session at Stripe first: expired, the act is completed; still open (the expiry never
reached Stripe), or paid, the mark is taken back and the hold goes on (a payment's event
confirms it). Both wait ``LEFT_HALF_DONE_AFTER`` after the mark: a younger one belongs to the
act still on its way, whose own save ends it. The booking is read again first, and the act
completed only while it still carries the mark read (``domain.read_against``): a
press of the organiser's since has completed or replaced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import BookingError, DependencyUnavailable, UnknownToProvider
from booking.domain.invoice_voiding import (
    checkout_act_left_half_done,
    checkout_act_of,
    checkout_marked,
    group_checkout_act,
)
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.domain.read_against import ReadAgainst
from booking.services.concurrency import retried
from booking.services.ports import Ports

if TYPE_CHECKING:  # the single bookings' cold start never loads the groups' domain
    from booking.domain.groups import GroupBooking

logger = Logger(child=True)


def completed_on_expiry(ports: Ports, application: Application, event: CheckoutEvent) -> str | None:
    """Stripe's ``event`` of a checkout ``application`` recorded: when it is the expiry of a
    checkout whose act was left half done, the act completed, and the booking's status after
    it; None otherwise (the event is decided as any other)."""
    if event.kind is not CheckoutEventKind.EXPIRED:
        return None
    if checkout_marked(application) != event.session_id:
        return None
    if not checkout_act_left_half_done(application, ports.clock()):
        return None
    if not completed_as_pressed(ports, application, event.session_id):
        return None
    done = ports.repository.get_application(application.application_id) or application
    return done.status.value


def checkout_act_completed(ports: Ports, application: Application) -> bool:
    """The sweep's look at ``application``, its checkout's act left half done: Stripe read;
    the act completed (True) when the session is expired, else the mark taken back."""
    session_id = checkout_marked(application)
    assert session_id is not None
    if not _expired_at_stripe(ports, session_id):
        checkout_mark_taken_back(ports, application.application_id, session_id)
        return False
    return completed_as_pressed(ports, application, session_id)


def _expired_at_stripe(ports: Ports, session_id: str) -> bool:
    """Whether Stripe holds ``session_id`` expired (or holds no such session: nothing can pay
    it), read once."""
    try:
        return ports.payments.checkout_at_stripe(session_id).status == "expired"
    except UnknownToProvider:
        return True


def give_up_completed_on_expiry(ports: Ports, group_id: str, session_id: str) -> bool:
    """Stripe's expiry of a group's checkout ``session_id``: the give-up of a place its mark
    records completed when it was left half done (True); False: no such act (the event is
    decided as any other)."""
    group = ports.groups.get_group(group_id)
    act = group_checkout_act(group) if group is not None else None
    if group is None or act is None or act.left_half_done_at() > ports.clock():
        return False
    checkout = group.checkout
    if checkout is None or checkout.session_id != session_id:
        return False
    return _give_up_completed(ports, group)


def group_give_up_completed(ports: Ports, group: GroupBooking) -> bool:
    """The sweep's look at ``group``, the give-up of a place left half done after its
    checkout's expiry: Stripe read; completed (True) when the session is expired, else the
    mark taken back."""
    checkout = group.checkout
    assert checkout is not None
    if not _expired_at_stripe(ports, checkout.session_id):
        _group_taken_back(ports, group.group_id, checkout.session_id)
        return False
    return _give_up_completed(ports, group)


def _give_up_completed(ports: Ports, group: GroupBooking) -> bool:
    """The manager's give-up of the place ``group``'s mark records, made again on the group
    read now, only while it still carries that mark: the new checkout for the places kept,
    the seat to the waiting list, as the manager's press (``group_unpaid_give_up``). Refused
    (the course begun, no time left to pay): False, the hold then ends at its end."""
    from booking.services.access import existing_course
    from booking.services.group_unpaid_give_up import off_the_way_to_pay

    act = group_checkout_act(group)
    fresh = ports.groups.get_group(group.group_id)
    if fresh is None or act is None or act.place is None or group_checkout_act(fresh) != act:
        return False
    if fresh.checkout is None or group.checkout is None:
        return False
    if fresh.checkout.session_id != group.checkout.session_id:
        return False
    try:
        off_the_way_to_pay(ports, fresh, existing_course(ports, fresh.course_id), act.place)
    except BookingError as refused:
        extra = {"group_id": group.group_id, "code": refused.code}
        logger.warning("a half-done give-up refused: its hold ends at its end", extra=extra)
        return False
    logger.info("a half-done give-up completed", extra={"group_id": group.group_id})
    return True


def _group_taken_back(ports: Ports, group_id: str, session_id: str) -> None:
    """The group's checkout mark taken back: Stripe never expired it (or it was paid)."""

    def unmark(current: GroupBooking | None) -> None:
        checkout = current.checkout if current is not None else None
        if current is None or checkout is None or checkout.session_id != session_id:
            return
        if not checkout.expiring:
            return
        cleared = checkout.model_copy(update={"expiring": False, "expiring_for": None})
        ports.groups.save_group(current.model_copy(update={"checkout": cleared}), current)

    retried(unmark, lambda: ports.groups.get_group(group_id))


def completed_as_pressed(ports: Ports, application: Application, session_id: str) -> bool:
    """The act marked on ``application``'s checkout ``session_id`` (expired at Stripe),
    completed as pressed while the booking still carries that mark: True when it was.
    Refused (replaced meanwhile, a race lost): False, the mark kept."""
    app_id = application.application_id
    fresh = ports.repository.get_application(app_id)
    act = checkout_act_of(application)
    if fresh is None or act is None or checkout_act_of(fresh) != act:
        return False  # completed or replaced meanwhile: the booking stands as it is now
    if checkout_marked(fresh) != session_id:
        return False
    completing = ReadAgainst(marked=act)  # only while the booking still carries this mark
    try:
        if act.erased:
            # The erasure's own withdrawal and erasure of this booking; the organiser's press,
            # answered 5xx, erases the rest when asked again.
            from booking.services.people import erase_left_half_done

            erase_left_half_done(ports, fresh)
        elif act.invoiced_instead is not None:
            # The organiser's invoice to the employer instead of the card, sent as pressed.
            from booking.services.invoice_instead import invoice_instead_of_card

            invoice_instead_of_card(ports, app_id, act.invoiced_instead, read_against=completing)
        else:
            from booking.services.lifecycle import cancel

            cancel(ports, app_id, refund=act.refund, read_against=completing)
    except DependencyUnavailable:
        raise  # Stripe unreachable: the next run (or the event again) completes it
    except BookingError as refused:
        # Refused (replaced meanwhile, a race lost): the mark stays; the next run looks
        # again, and the hold ends at its end as any unpaid hold's if never completed.
        extra = {"application_id": app_id, "code": refused.code}  # codes name no one
        logger.warning("a half-done card act refused", extra=extra)
        return False
    logger.info("a half-done card act completed", extra={"application_id": app_id})
    return True


def checkout_mark_taken_back(ports: Ports, app_id: str, session_id: str) -> None:
    """The checkout's mark taken back: Stripe never expired it (or it was paid)."""

    def unmark(current: Application | None) -> None:
        if current is None or checkout_marked(current) != session_id:
            return
        pending, checkout = current.pending_move, current.checkout
        if pending is not None and pending.session_id == session_id and pending.expiring:
            move = pending.model_copy(update={"expiring": False, "expiring_for": None})
            ports.repository.save(current.model_copy(update={"pending_move": move}), current)
        elif checkout is not None and checkout.session_id == session_id and checkout.expiring:
            cleared = checkout.model_copy(update={"expiring": False, "expiring_for": None})
            ports.repository.save(current.model_copy(update={"checkout": cleared}), current)

    retried(unmark, lambda: ports.repository.get_application(app_id))
    logger.info("a half-done card act's mark taken back", extra={"application_id": app_id})
