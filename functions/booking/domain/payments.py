"""What a Stripe payment event means for an application: a pure decision, no I/O.

The webhook re-reads the application and asks :func:`decide` what to do, so the answer depends
on the application's current state, never on the order events arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from booking.domain.application import Application, ApplicationStatus, CheckoutRef, PaymentRecord
from booking.domain.covered import second_payment
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.facilitators_told import REFUNDED_IN_FULL, facilitators_told_it_ended
from booking.domain.refund_figures import (
    CANCELLED_PART_REFUNDED,
    MOVE_LATE_PAYMENT,
    refund_figures,
    refunded_record,
)
from booking.domain.transfer_record import made_by_a_move

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
    # When Stripe created the event: for a paid one, the moment of payment (``paid_at``).
    created: datetime | None = None


@dataclass(frozen=True)
class RefundEvent:
    """A refund reported by Stripe (``charge.refunded`` or ``refund.*``), by payment."""

    event_id: str
    payment_intent: str
    refund_id: str | None = None  # refund.* events: one refund
    refund_amount: int = 0
    refund_succeeded: bool = True
    refund_failed: bool = False  # Stripe says it failed: nothing given back, nor will be
    charge_amount_refunded: int | None = None  # charge.refunded: the cumulative total
    created: datetime | None = None  # when Stripe created the event (bounds redelivery)
    currency: str = ""  # of the refunded payment, when the event says
    # When Stripe made the refund (the refund's ``created``; for ``charge.refunded`` the
    # event's): what it is weighed against the charges paid before (``after_refund``).
    refunded_at: datetime | None = None
    # The key of the API request that made it, as Stripe's event repeats it (``request``);
    # None for a refund made on Stripe's dashboard.
    idempotency_key: str | None = None

    @property
    def moment(self) -> datetime | None:
        return self.refunded_at or self.created


class Action(StrEnum):
    IGNORE = "ignore"
    CONFIRM = "confirm"  # the seat is already held for this application
    CONFIRM_IF_SEAT_FREE = "confirm_if_seat_free"  # hold lapsed: take a seat or refund
    REFUND = "refund"  # a payment the system cannot honour: refund it, never keep it
    # A payment that is not what this system asked for (another session, another amount or
    # currency): refund it, record it, change nothing else, alert an organiser.
    REFUND_UNMATCHED = "refund_unmatched"
    RELEASE_HOLD = "release_hold"
    KEEP_HOLD = "keep_hold"
    DETACH_CHECKOUT = "detach_checkout"  # the checkout ended; the offer and its seat stand


@dataclass(frozen=True)
class Decision:
    """What to do with a payment's event, and why."""

    action: Action
    reason: str


def decide(application: Application, event: CheckoutEvent) -> Decision:
    """What a checkout event means for ``application`` (``booking.domain.settlement`` then says
    what to do about it)."""
    if event.event_id in application.recent_event_ids:
        return Decision(Action.IGNORE, "event already applied")
    if event.kind is CheckoutEventKind.PAID:
        known = _already_known(application, event)
        if known is not None:
            return known
        unmatched = _unmatched(application.asked_in(event.session_id), event)
        if unmatched is not None:
            return Decision(Action.REFUND_UNMATCHED, unmatched)
        return _paid_for(application, event)
    if event.kind is CheckoutEventKind.PENDING:
        return _pending(application, event)
    return _ended(application, event)


def _already_known(application: Application, event: CheckoutEvent) -> Decision | None:
    """An event that reports nothing new: this payment is recorded, or a session that asked
    for nothing confirmed already. A payment-less completion of any other session is not one
    this system asked for."""
    if not event.payment_intent:
        # Only a session that asked for nothing (a 100% discount code, before such places
        # were confirmed without one) completes without a payment.
        asked = application.asked_in(event.session_id)
        if asked is None or asked.amount != 0 or event.amount_total != 0:
            return Decision(Action.REFUND_UNMATCHED, "no_payment_reported")
        if application.status is S.CONFIRMED:
            return Decision(Action.IGNORE, "already confirmed")
        return None
    if application.payment(event.payment_intent) is not None:
        return Decision(Action.IGNORE, "this payment is already recorded")
    return None


def _unmatched(asked: CheckoutRef | None, event: CheckoutEvent) -> str | None:
    """Why a payment is not what this system asked of Stripe for the application, if it is
    not: another session, another amount or currency."""
    if asked is None:
        return "session_not_opened_for_this_application"
    if (asked.amount is not None and event.amount_total != asked.amount) or (
        asked.currency is not None and event.currency != asked.currency
    ):
        return "amount_or_currency_mismatch"
    return None


def _paid_for(application: Application, event: CheckoutEvent) -> Decision:
    """A payment of what was asked, for a session this application opened."""
    status = application.status
    same_payment = application.payment_intent == event.payment_intent
    if status is S.CONFIRMED:
        if same_payment:
            return Decision(Action.IGNORE, "already confirmed by this payment")
        # Two sessions of one application were both paid, or a place confirmed without this
        # payment (by invoice, or funded by a bursary) was paid for as well: never keep the
        # second payment.
        return Decision(Action.REFUND, second_payment(application))
    if status is S.REFUNDED and same_payment:
        return Decision(Action.IGNORE, "this payment was already refunded")
    if status in (S.AWAITING_PAYMENT, S.OFFERED) and application.seat_held:
        return Decision(Action.CONFIRM, "paid within its hold")
    if status in (S.AWAITING_PAYMENT, S.EXPIRED, S.OFFERED, S.WAITLISTED):
        return Decision(Action.CONFIRM_IF_SEAT_FREE, "paid after its hold lapsed")
    return Decision(Action.REFUND, f"application_{status.value}")


def _holds_with(application: Application, event: CheckoutEvent) -> bool:
    """The event's session is the one holding this application's seat now."""
    current = application.checkout
    return current is not None and current.session_id == event.session_id and application.seat_held


def _pending(application: Application, event: CheckoutEvent) -> Decision:
    # The session can no longer expire; the seat stays held until the payment settles.
    if _holds_with(application, event) and application.status in (S.AWAITING_PAYMENT, S.OFFERED):
        return Decision(Action.KEEP_HOLD, "delayed payment pending")
    return Decision(Action.IGNORE, "not the open checkout")


def _ended(application: Application, event: CheckoutEvent) -> Decision:
    # EXPIRED or FAILED: only the session that currently holds the seat can release it; an older
    # session's expiry, or any expiry after confirmation, changes nothing; nor does the expiry
    # an act asked before its save (``CheckoutRef.expiring``): the act ends it.
    if application.checkout is not None and application.checkout.expiring:
        return Decision(Action.IGNORE, "expired for an act")
    if _holds_with(application, event) and application.status is S.OFFERED:
        # An offer outlives its checkouts: the seat stays theirs until the offer's deadline.
        return Decision(Action.DETACH_CHECKOUT, event.kind.value)
    if _holds_with(application, event) and application.status is S.AWAITING_PAYMENT:
        return Decision(Action.RELEASE_HOLD, event.kind.value)
    return Decision(Action.IGNORE, "not the open checkout")


@dataclass(frozen=True)
class RefundOutcome:
    """What a refund at Stripe did to an application."""

    application: Application  # the application after the refund, with its emails
    full: bool  # everything paid has come back, and the booking ended for it
    # Charges paid after the refund that ended the booking (a move's difference whose
    # checkout was still open at Stripe): not kept, to be given back whole.
    paid_after: tuple[PaymentRecord, ...] = ()


def after_refund(application: Application, event: RefundEvent, now: datetime) -> RefundOutcome:
    """What a refund reported by Stripe does to the application it belongs to.

    A refund that brings everything the booking's kept charges took back (its first payment
    and any move's difference: ``Application.further_charges``) ends the booking (``refunded``:
    seat freed, reminders stop, the person told); a partial one is recorded against the charge
    it gave back and the booking stands. It is weighed against the charges paid before its
    moment (:func:`paid_after`): one that gave back all of those ended the booking then, and a
    charge paid after it paid for a booking that had ended, so it is set aside to be given
    back (``paid_after``), whichever of the two events reached us first. Stripe reports one
    refund two ways (each ``refund.*`` event, and ``charge.refunded`` with the charge's running
    total); whichever is larger is the newest, in whatever order the events came.
    """
    record = application.payment(event.payment_intent)
    further = record is not None and event.payment_intent != application.payment_intent
    if further and record is not None and not record.kept:
        return _noted_on_a_payment_given_back(application, record, event, now)
    recorded = (
        application.with_payment(refunded_record(record, event))
        if further and record is not None
        else _first_charge_refunded(application, event)
    )
    total = recorded.charges_refunded
    given_back_now = total - application.charges_refunded
    # A refund the system made for a reason other than ending the booking (a move's price
    # difference) changes only the record of money, even when it gives back all that was paid
    # (a bursary covers the new price). Stripe reports it by its id (``refund.*``) or in the
    # charge's running total (``charge.refunded``, no id): nothing new, or the move's amount.
    for_a_move = given_back_now <= 0 or made_by_a_move(
        application.transfers, event.refund_id, given_back_now
    )
    later = _set_aside_by(application, event)
    weighed = _set_aside(recorded, later)
    full = weighed.charges_paid > 0 and weighed.charges_refunded >= weighed.charges_paid
    # What this refund gave back: the messages say it, beside what has come back in all.
    recorded = recorded.model_copy(
        update={
            "updated_at": now,
            "last_refund": max(given_back_now, 0) or application.last_refund,
        }
    )
    if full and _ended_by_it(application, for_a_move):
        ended = _booking_refunded(application, _set_aside(recorded, later), now, given_back_now)
        return RefundOutcome(ended.with_event(event.event_id), True, later)
    # News of a part refund the person did not ask for (Stripe's dashboard): of a booking
    # that stands, or of one cancelled keeping the money (it was said to nobody).
    said_as = {S.CONFIRMED: "partial_refund", S.CANCELLED: CANCELLED_PART_REFUNDED}
    if (
        given_back_now > 0
        and application.status in said_as
        and not _refund_was_announced(application)
        # A move to a cheaper cohort asked for it, the refund that ended the booking asked it
        # of a charge paid later, or a cancellation did: that act's one email says so.
        and not (for_a_move or told_by_its_act(application, record, event))
    ):
        reason = said_as[application.status]
        recorded = recorded.with_emails(
            _refund_email(application, given_back_now, f"partial-{total}", reason)
        )
    return RefundOutcome(recorded.with_event(event.event_id), False)


def _ended_by_it(application: Application, for_a_move: bool) -> bool:
    """Whether a refund that gave back everything paid ends ``application``: a cancelled one,
    or a confirmed one unless a move's own refund did it (a bursary covering the new price)."""
    return application.status is S.CANCELLED or (
        application.status is S.CONFIRMED and not (application.transfers and for_a_move)
    )


def _set_aside_by(application: Application, event: RefundEvent) -> tuple[PaymentRecord, ...]:
    """The charges ``event``'s refund sets aside as paid after it ended the booking
    (:func:`paid_after`). None after a cancellation with a refund: it asked Stripe for every
    charge, also when this refund's event lands before that cancellation is saved (its key
    says so)."""
    if _refund_was_announced(application) or asked_by_a_cancellation(application, event):
        return ()
    return paid_after(application, event)


def told_by_its_act(
    application: Application, record: PaymentRecord | None, event: RefundEvent
) -> bool:
    """Whether the act that asked the refund ``event`` reports tells the person of it in its
    own email: giving back a charge paid too late, or a cancellation."""
    return given_back_late(record, event) or asked_by_a_cancellation(application, event)


def asked_by_a_cancellation(application: Application, event: RefundEvent) -> bool:
    """Whether ``event`` reports a refund a cancellation of this booking asked (by its key,
    ``cancel-{application_id}...``, which Stripe's event repeats): landing before that
    cancellation is saved, it records the money and leaves the telling to the
    cancellation's one email, never "your place is still confirmed"."""
    own = f"cancel-{application.application_id}"
    key = event.idempotency_key or ""
    return key == own or key.startswith(f"{own}-")


def late_refund_key(session_id: str) -> str:
    """The key of the refund giving back a charge paid when it could no longer be kept (a
    move's difference paid after the move lapsed or the booking ended): one per checkout."""
    return f"refund-{session_id}"


def unmatched_refund_key(object_id: str, payment_intent: str) -> str:
    """The key of the refund giving back a payment that is not what was asked (or that no
    application asked for) on checkout ``object_id``: by the payment too, never the
    session's alone. The session's own payment given back is keyed ``refund-<session>``; a
    second payment reported on that session, keyed the same, would meet Stripe's refusal of a
    key reused with other parameters, and be recorded as given back while kept at Stripe."""
    return f"refund-{object_id}-{payment_intent}"


def given_back_late(record: PaymentRecord | None, event: RefundEvent) -> bool:
    """Whether ``event`` reports the refund this system asked of ``record`` as paid too late
    (by its key, which Stripe's event repeats): it may arrive before the save that set the
    charge aside (Stripe delivers when it likes), while the charge still seems kept."""
    return record is not None and event.idempotency_key == late_refund_key(record.session_id)


def paid_after(application: Application, event: RefundEvent) -> tuple[PaymentRecord, ...]:
    """The booking's further charges (a move's difference) Stripe took after the refund
    ``event`` reports was made, beside the charge it gave back: what the refund could not
    have meant to give back. A charge of the same second counts as after it: Stripe's times
    are whole seconds, and an organiser refunding a booking from the dashboard could not see
    a charge made in the second they acted, so a refund of all they could see ends the
    booking and the newer charge goes back whole (had they refunded it too, the system's
    refund of it finds nothing left). A charge or a refund of unknown time (stored before
    times were kept) is taken as paid before it, as was always done."""
    moment = event.moment
    if moment is None:
        return ()
    return tuple(
        charge
        for charge in application.further_charges
        if charge.payment_intent != event.payment_intent
        and charge.paid_at is not None
        and charge.paid_at >= moment
    )


def _set_aside(application: Application, charges: tuple[PaymentRecord, ...]) -> Application:
    """``application`` with ``charges`` no longer kept for the booking: paid after it ended."""
    for charge in charges:
        given_back = charge.model_copy(update={"kept": False, "reason": MOVE_LATE_PAYMENT})
        application = application.with_payment(given_back)
    return application


def _noted_on_a_payment_given_back(
    application: Application, record: PaymentRecord, event: RefundEvent, now: datetime
) -> RefundOutcome:
    """A refund of one of the payments the system gave back itself (a second payment, an
    unmatched one): what Stripe says of it is noted; the booking and its own payment are
    untouched."""
    return RefundOutcome(
        application.with_payment(refunded_record(record, event))
        .model_copy(update={"updated_at": now})
        .with_event(event.event_id),
        full=False,
    )


def _first_charge_refunded(application: Application, event: RefundEvent) -> Application:
    """``application`` with what ``event`` says of its first charge's refunds (a refund made
    here that failed since is no longer one made here: what it gave back is nothing)."""
    refunds, by_charge = refund_figures(
        application.refunds, application.charge_amount_refunded, event
    )
    made = application.refunds_made
    if event.refund_id in made and not event.refund_succeeded:
        made = {key: amount for key, amount in made.items() if key != event.refund_id}
    return application.model_copy(
        update={
            "refunds": refunds,
            "refunds_made": made,
            "amount_refunded": max(sum(refunds.values()), by_charge),
            "charge_amount_refunded": by_charge,
        }
    )


def _booking_refunded(
    application: Application, recorded: Application, now: datetime, amount: int
) -> Application:
    """A booking whose payments have all come back ends: seat freed, reminders stop, told
    why (``recorded``: ``application`` with the refund written down).

    A refund the cancellation asked for was said by the cancellation's own email (cancelled,
    and what is being refunded, with the calendar's cancel): one act, one email. Any other
    full refund (from Stripe's dashboard, after a cancellation that kept the money) is news,
    and has an email of its own."""
    reason = "cancelled_and_refunded" if application.status is S.CANCELLED else "refunded"
    ended = recorded.moved_to(
        S.REFUNDED,
        now,
        seat_held=False,
        status_reason=reason,
        # A move that waits (for its difference, or on a waiting list) ends with the booking,
        # as on a cancellation: its hold or place in line goes back, its checkout is expired.
        pending_move=None,
        waiting_move=None,
    )
    ended = ended.with_emails(*facilitators_told_it_ended(application, REFUNDED_IN_FULL))
    if _refund_was_announced(application):
        return ended
    return ended.with_emails(_refund_email(application, amount, "full", reason))


def _refund_was_announced(application: Application) -> bool:
    """Whether the act that ended ``application`` already told the person their money is
    coming back (a cancellation with a refund says so in its email)."""
    return application.status is S.CANCELLED and application.status_reason == "refund_requested"


def _refund_email(application: Application, amount: int, occasion: str, reason: str) -> EmailJob:
    """The person told what came back: this refund's part (``amount``, beside what had come
    back before), on an occasion of its own so that each refund is said once."""
    return application.email(
        EmailKind.PAYMENT_REFUNDED,
        occasion=occasion,
        reason=reason,
        amount=max(amount, 0),
    )


def payment_record(event: CheckoutEvent, *, kept: bool, reason: str | None = None) -> PaymentRecord:
    """The record of the payment an event reports (it must name its payment intent)."""
    assert event.payment_intent is not None
    return PaymentRecord(
        payment_intent=event.payment_intent,
        session_id=event.session_id,
        amount=event.amount_total,
        currency=event.currency,
        kept=kept,
        reason=reason,
        paid_at=event.created,
    )
