"""What a Stripe payment event means for an application: a pure decision, no I/O.

The webhook re-reads the application and asks :func:`decide` what to do, so the answer depends
on the application's current state, never on the order events arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from booking.domain.application import Application, ApplicationStatus

S = ApplicationStatus


class CheckoutEventKind(StrEnum):
    PAID = "paid"  # completed with payment_status=paid, or async_payment_succeeded
    PENDING = "pending"  # completed, but a delayed payment method has not settled yet
    FAILED = "failed"  # async_payment_failed
    EXPIRED = "expired"


@dataclass(frozen=True)
class CheckoutEvent:
    """The few facts the system needs from a Stripe Checkout event (no personal data)."""

    event_id: str
    kind: CheckoutEventKind
    session_id: str
    application_id: str
    payment_intent: str | None = None
    amount_total: int = 0
    currency: str = "gbp"


@dataclass(frozen=True)
class RefundEvent:
    """A refund reported by Stripe (``charge.refunded`` or ``refund.*``), by payment."""

    event_id: str
    payment_intent: str
    refund_id: str | None = None  # refund.* events: one refund
    refund_amount: int = 0
    refund_succeeded: bool = True
    charge_amount_refunded: int | None = None  # charge.refunded: the cumulative total


class Action(StrEnum):
    IGNORE = "ignore"
    CONFIRM = "confirm"  # the seat is already held for this application
    CONFIRM_IF_SEAT_FREE = "confirm_if_seat_free"  # hold lapsed: take a seat or refund
    REFUND = "refund"  # a payment the system cannot honour: refund it, never keep it
    RELEASE_HOLD = "release_hold"
    KEEP_HOLD = "keep_hold"
    DETACH_CHECKOUT = "detach_checkout"  # the checkout ended; the offer and its seat stand


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str


def decide(application: Application, event: CheckoutEvent) -> Decision:
    if event.event_id in application.recent_event_ids:
        return Decision(Action.IGNORE, "event already applied")
    status = application.status
    current = application.checkout
    is_current_session = current is not None and current.session_id == event.session_id

    if event.kind is CheckoutEventKind.PAID:
        if status is S.CONFIRMED:
            if application.payment_intent in (None, event.payment_intent):
                return Decision(Action.IGNORE, "already confirmed by this payment")
            # Two sessions of one application were both paid: never keep the second payment.
            return Decision(Action.REFUND, "duplicate_payment")
        if status is S.REFUNDED and application.payment_intent == event.payment_intent:
            return Decision(Action.IGNORE, "this payment was already refunded")
        if status in (S.AWAITING_PAYMENT, S.OFFERED) and application.seat_held:
            return Decision(Action.CONFIRM, "paid within its hold")
        if status in (S.AWAITING_PAYMENT, S.EXPIRED, S.OFFERED, S.WAITLISTED):
            return Decision(Action.CONFIRM_IF_SEAT_FREE, "paid after its hold lapsed")
        return Decision(Action.REFUND, f"application_{status.value}")

    if event.kind is CheckoutEventKind.PENDING:
        # The session can no longer expire; the seat stays held until the payment settles.
        if (
            is_current_session
            and application.seat_held
            and status in (S.AWAITING_PAYMENT, S.OFFERED)
        ):
            return Decision(Action.KEEP_HOLD, "delayed payment pending")
        return Decision(Action.IGNORE, "not the open checkout")

    # EXPIRED or FAILED: only the session that currently holds the seat can release it; an older
    # session's expiry, or any expiry after confirmation, changes nothing.
    if is_current_session and application.seat_held and status is S.OFFERED:
        # An offer outlives its checkouts: the seat stays theirs until the offer's deadline.
        return Decision(Action.DETACH_CHECKOUT, event.kind.value)
    if is_current_session and application.seat_held and status is S.AWAITING_PAYMENT:
        return Decision(Action.RELEASE_HOLD, event.kind.value)
    return Decision(Action.IGNORE, "not the open checkout")
