"""An act left half done after its card checkout's expiry (fix23c): an organiser's cancel, or
a person's erasure, expires the open Checkout Session at Stripe before its save, marked first
with the act and its time (``CheckoutRef.expiring_for``, ``checkout_expiry.expired_first``).
When the function was stopped between Stripe's expiry and the save, the booking is left
holding its place on a checkout nobody can pay.

It is completed as it was pressed, never ended as an unpaid hold ("payment not completed"),
as an invoice's act left half done is (``invoice_void_sweep``): by Stripe's
``checkout.session.expired`` of it (the expiry is then Stripe's word), or by the sweep, which
reads the session at Stripe first: expired, the act is completed; still open (the expiry never
reached Stripe), or paid, the mark is taken back and the hold goes on (a payment's event
confirms it). Both wait ``LEFT_HALF_DONE_AFTER`` after the mark: a younger one belongs to the
act still on its way, whose own save ends it. The booking is read again first, and the act
completed only while it still carries the mark read (``act_voiding.refuse_unless_still``): a
press of the organiser's since has completed or replaced it.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import UnknownToProvider
from booking.domain.invoice_voiding import (
    checkout_act_left_half_done,
    checkout_act_of,
    checkout_marked,
)
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.services.concurrency import retried
from booking.services.ports import Ports

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
    if not _completed(ports, application, event.session_id):
        return None
    done = ports.repository.get_application(application.application_id) or application
    return done.status.value


def checkout_act_completed(ports: Ports, application: Application) -> bool:
    """The sweep's look at ``application``, its checkout's act left half done: Stripe read;
    the act completed (True) when the session is expired, else the mark taken back."""
    session_id = checkout_marked(application)
    assert session_id is not None
    try:
        status = ports.payments.checkout_at_stripe(session_id).status
    except UnknownToProvider:
        status = "expired"  # Stripe holds no such session: nothing can pay it
    if status != "expired":
        _taken_back(ports, application.application_id, session_id)
        return False
    return _completed(ports, application, session_id)


def _completed(ports: Ports, application: Application, session_id: str) -> bool:
    app_id = application.application_id
    fresh = ports.repository.get_application(app_id)
    act = checkout_act_of(application)
    if fresh is None or act is None or checkout_act_of(fresh) != act:
        return False  # completed or replaced meanwhile: the booking stands as it is now
    if checkout_marked(fresh) != session_id:
        return False
    if act.erased:
        # The erasure's own withdrawal and erasure of this booking; the organiser's press,
        # answered 5xx, erases the rest when asked again.
        from booking.services.people import erase_left_half_done

        erase_left_half_done(ports, fresh)
    else:
        from booking.services.lifecycle import cancel

        cancel(ports, app_id, refund=act.refund, marked=act)
    logger.info("a half-done card act completed", extra={"application_id": app_id})
    return True


def _taken_back(ports: Ports, app_id: str, session_id: str) -> None:
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
