"""A move to a dearer cohort (``domain.dearer_moves`` decides): the hold and the checkout for
the difference, withdrawing it, and the sweep's lapse of one whose deadline passed.

The request is saved first (its hold claimed on the new cohort in that save, conditionally),
then the checkout opened under the move's own key and recorded with the link emailed. A crash
or an unavailable Stripe in between leaves a move waiting without a checkout: asking again
opens the same session (same key, same terms), and the sweep lapses it at its deadline.
Everything after that (paid, expired, withdrawn, late) goes through the one money path.
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.dearer_moves import (
    MoveDeadlinePassed,
    MoveWithdrawn,
    move_checkout_key,
    with_move_session,
)
from booking.domain.errors import Conflict, DependencyUnavailable
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.money import Money
from booking.domain.page_seen import Seen
from booking.services.checkout_expiry import MOVE_PAID_MEANWHILE, move_expired_first
from booking.services.concurrency import load_application, retried
from booking.services.ports import CheckoutAtStripe, CheckoutRequest, Ports
from booking.services.settle import expire_quietly, settle_money

logger = Logger(child=True)


def open_move_checkout(ports: Ports, saved: Application, target: Course) -> Application:
    """The checkout asking for the pending move's difference, opened (under the attempt's
    key: a repeat is the same session) and recorded with its link emailed; the move left
    waiting without one when Stripe is unavailable (asking again opens it)."""
    pending = saved.pending_move
    if pending is None or pending.session_id is not None:
        return saved
    status_url = ports.status_url(saved)
    try:
        checkout = ports.payments.create_checkout(
            CheckoutRequest(
                application_id=saved.application_id,
                course_id=target.course_id,
                product_name=f"{target.definition.title}: the difference to move",
                price=Money(amount=pending.difference, currency=pending.price_after.currency),
                customer_email=saved.answers.email,
                expires_at=pending.expires_at,
                success_url=f"{status_url}&checkout=success",
                cancel_url=f"{status_url}&checkout=cancelled",
                attempt=pending.attempt,
                move_key=move_checkout_key(saved),
            )
        )
    except DependencyUnavailable:
        logger.warning("move checkout not opened", extra={"application_id": saved.application_id})
        raise

    def record(current: Application) -> Application:
        now_pending = current.pending_move
        if now_pending is None or now_pending.attempt != pending.attempt:
            return current  # lapsed or withdrawn meanwhile: its session is expired below
        if now_pending.session_id is not None:
            return current
        opened = with_move_session(current, checkout.session_id, checkout.url)
        return ports.repository.save(opened, current)

    stored = retried(record, lambda: load_application(ports, saved.application_id), first=saved)
    if stored.pending_move is None or stored.pending_move.session_id != checkout.session_id:
        expire_quietly(ports, checkout.session_id)
    return stored


def withdraw_move(ports: Ports, application_id: str, seen: Seen | None = None) -> Application:
    """The organiser withdraws the booking's move waiting for payment: the hold goes back, the
    checkout is expired, the person told; the booking stays where it is. Its checkout is read
    at Stripe first: found paid (the person paid the difference as the organiser withdrew),
    the withdrawal is refused in words and the payment's event makes the move, never a
    "nothing has been charged" beside a charge. (It is read, not expired,
    first: an expiry's own event would end the move as run out.)"""
    pending = load_application(ports, application_id).pending_move
    held = _completed_at_stripe(ports, pending.session_id) if pending is not None else None
    if pending is not None and held is not None:
        difference = pending.difference_words()
        # A bank payment (Bacs, SEPA) completes the checkout unpaid: it is going through, and
        # may yet fail (it was said "the person paid").
        said = (
            f"a payment of {difference} for the move is going through, so the move can no "
            "longer be withdrawn: if it arrives the move is made; if it fails the move ends; "
            "nothing was changed"
            if held.payment_status == "unpaid"
            else f"the person paid the difference ({difference}) just now, so the move can "
            "no longer be withdrawn: it is made as the payment is confirmed; nothing was "
            "changed (to undo it, move the booking back once it has moved)"
        )
        raise Conflict(said, code="move_paid")
    return settle_money(ports, application_id, MoveWithdrawn(seen)).saved


def _completed_at_stripe(ports: Ports, session_id: str | None) -> CheckoutAtStripe | None:
    """The move's checkout as Stripe holds it when completed (paid, or a delayed payment
    settling: ``payment_status`` unpaid); None otherwise. One that cannot be read is taken as
    not: the withdrawal's own expiry, after its save, then finds it paid and the payment goes
    back whole, as before."""
    if session_id is None:
        return None
    try:
        held = ports.payments.checkout_at_stripe(session_id)
    except (Conflict, DependencyUnavailable):
        return None
    return held if held.status == "complete" else None


def lapse_overdue_move(ports: Ports, application: Application, now: datetime) -> bool:
    """The sweep: a pending move whose deadline passed lapses (Stripe's expiry event lost).
    Its checkout is expired at Stripe first: found paid, the payment's event decides."""
    pending = application.pending_move
    if pending is None or not pending.overdue(now):
        return False
    if pending.session_id is not None:
        try:
            if ports.payments.expire_checkout(pending.session_id) == "complete":
                return False
        except Conflict:
            pass  # Stripe cannot find or expire it: it cannot be paid either
    settled = settle_money(ports, application.application_id, MoveDeadlinePassed())
    return settled.settlement.action == "move_lapsed"


def move_checkout_expired_first(
    ports: Ports, application: Application, act: VoidingFor | None = None
) -> None:
    """The checkout of the move ``application`` waits on, expired at Stripe before its
    erasure is saved (the move is erased with it), as every open checkout an act ends is
    (``checkout_expiry.move_expired_first``, marked first). Paid meanwhile: the erasure goes
    on, and the payment's event, finding no move, gives it back whole, as it did when the
    expiry came after the save. Stripe unanswered: DependencyUnavailable, nothing erased."""
    current = ports.repository.get_application(application.application_id)  # as it is now
    pending = current.pending_move if current is not None else None
    if current is None or pending is None or pending.session_id is None:
        return
    if pending.overdue(ports.clock()):
        return  # past its deadline: it can no longer be paid (the sweep lapses it)
    try:
        move_expired_first(ports, current, Conflict(MOVE_PAID_MEANWHILE, code=_PAID), act)
    except Conflict as refused:
        if refused.code != _PAID:
            raise


_PAID = "payment_being_recorded"


def expire_move_checkout(ports: Ports, before: Application) -> None:
    """The checkout of the move ``before`` was waiting on, expired at Stripe now that the move
    is gone with the booking's erasure, unless expired first (marked: ``expiring``); failing
    that, a payment on it is refunded whole, as any payment for a move no longer asked."""
    pending = before.pending_move
    if pending is not None and pending.session_id is not None and not pending.expiring:
        expire_quietly(ports, pending.session_id)
