"""A move to a dearer cohort: the difference charged through Stripe. Pure rules, no I/O.

A confirmed card booking asked to move to a cohort that costs more than it kept (by Stripe's
minimum charge or more: less is waived, ``domain.transfers``) does not move at once. The
organiser's request holds a seat on the new cohort for the booking (``domain.limits``: the
hold is derived from :attr:`Application.pending_move`, so the repository claims it in the
same save that records the request, and gives it back in the save that ends it) and opens a
Checkout Session for the difference, whose link is emailed to the person with its deadline.
The booking stays where it is meanwhile: its sessions, reminders and register are unchanged.

Then, through the one money path (``domain.settlement``):

- **paid** (the move's own open session, the booking still confirmed): the move is made as
  a cheaper one is (``domain.transfers.moved_booking``), the payment kept beside the first
  as a further charge (``Application.further_charges``) and recorded on the move;
- **expired**, **past its deadline** (the sweep, in case the expiry event is lost),
  **withdrawn** by the organiser, or the **booking ended** (cancelled): the hold goes back,
  the booking is untouched, and the person is told the move did not happen;
- **paid after the move lapsed** (or for a move's session that is not the open one, or once
  the booking ended): the payment is given back whole, never kept, never a second move.

Each move asked is the booking's n-th (``move_attempts``); its checkout is keyed by it
(``transfer-<application>-<move>-<attempt>``), so a repeat of the same request opens the same
session and a later request, with other terms, never reuses a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus, CheckoutRef, PaymentRecord
from booking.domain.commands import ExpireCheckout, Refund, Settlement
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.page_seen import Seen
from booking.domain.payments import (
    CheckoutEvent,
    CheckoutEventKind,
    late_refund_key,
    payment_record,
)
from booking.domain.refund_figures import MOVE_LATE_PAYMENT, MOVE_PAID_AFTER_END
from booking.domain.transfers import MoveAsked as MoveAsked
from booking.domain.transfers import moved_booking
from booking.domain.transfers import pending_refusal as pending_refusal

S = ApplicationStatus

# Why a pending move ended without moving (said to the person and on the timeline).
MOVE_EXPIRED = "move_expired"  # its checkout expired, or its deadline passed unpaid
MOVE_WITHDRAWN = "move_withdrawn"  # the organiser withdrew it
MOVE_ENDED_BOOKING = "move_booking_ended"  # the booking was cancelled meanwhile


@dataclass(frozen=True)
class MoveWithdrawn:
    """The organiser withdraws the booking's pending dearer move, having seen the application
    as ``seen`` (``domain.page_seen``; None: not known)."""

    seen: Seen | None = None


@dataclass(frozen=True)
class MoveDeadlinePassed:
    """The sweep found the pending move's deadline passed (Stripe's expiry event lost)."""


def move_checkout_key(application: Application) -> str:
    """The idempotency key of the checkout asking for the pending move's difference: the
    booking's next move (``n``) and the request's attempt (``k``), ``transfer-<app>-<n>-<k>``."""
    pending = application.pending_move
    assert pending is not None
    move = len(application.transfers) + 1
    return f"transfer-{application.application_id}-{move}-{pending.attempt}"


def with_move_session(application: Application, session_id: str, url: str) -> Application:
    """The pending move with the checkout Stripe opened for its difference, remembered with
    what it asked (so its events are believed for this booking alone), and the person sent
    its link with the deadline."""
    pending = application.pending_move
    assert pending is not None
    ref = CheckoutRef(
        session_id=session_id,
        url=url,
        expires_at=pending.expires_at,
        attempt=pending.attempt,
        amount=pending.difference,
        currency=pending.price_after.currency,
        move=pending.attempt,
    )
    opened = pending.model_copy(update={"session_id": session_id, "url": url})
    return application.model_copy(
        update={
            "pending_move": opened,
            "checkout_history": (*application.checkout_history, ref),
        }
    ).with_emails(
        EmailJob.about(
            EmailKind.MOVE_PAYMENT_DUE,
            application.application_id,
            pending.to_course_id,
            occasion=f"move-{pending.attempt}",
            amount=pending.difference,
            move=pending.attempt,
        )
    )


def is_move_session(application: Application, session_id: str) -> bool:
    """Whether ``session_id`` is a checkout this booking opened for a move's difference."""
    asked = application.asked_in(session_id)
    return asked is not None and asked.move is not None


def move_lapsed(application: Application, now: datetime, reason: str) -> Application:
    """The pending move ended without moving: its hold goes back (derived), the booking is
    untouched, and the person told."""
    pending = application.pending_move
    assert pending is not None
    lapsed = application.model_copy(update={"pending_move": None, "updated_at": now})
    if pending.session_id is None:
        return lapsed  # its checkout never opened: the person was never asked, so not told
    not_moved = not_moved_email(application, pending.to_course_id, f"move-{pending.attempt}")
    return lapsed.with_emails(
        not_moved.model_copy(update={"reason": reason, "amount": pending.difference})
    )


def not_moved_email(application: Application, to_course_id: str, occasion: str) -> EmailJob:
    """The person's message that a move to ``to_course_id`` did not happen (the booking stays
    on its cohort): it names the cohort it was to join; the caller says why."""
    job = application.email(EmailKind.MOVE_LAPSED, occasion=occasion)
    return job.model_copy(update={"to_course_id": to_course_id})


def move_checkout_event(
    application: Application, event: CheckoutEvent, now: datetime, *, can_move: bool = True
) -> Settlement:
    """What Stripe's event about a move's checkout does (``settle`` sends it here).
    ``can_move`` is False once the save found the move impossible after all (the person
    holds another application on that cohort): the payment goes back and the move lapses."""
    if event.event_id in application.recent_event_ids:
        return Settlement("ignore", "event already applied")
    pending = application.pending_move
    open_one = (
        pending is not None
        and pending.session_id == event.session_id
        and application.status is S.CONFIRMED
    )
    if event.kind is CheckoutEventKind.PAID:
        if event.payment_intent and application.payment(event.payment_intent) is not None:
            return Settlement("ignore", "this payment is already recorded")
        asked = application.asked_in(event.session_id)
        matches = asked is not None and (asked.amount, asked.currency) == (
            event.amount_total,
            event.currency,
        )
        # Paid in the instant an erasure expired its checkout: the erasure withdraws the move
        # with the booking, whichever of its save and this event comes first, so the
        # difference goes back whole, as it does when this event comes after the save; the
        # booking's own payment is the erasure's to keep (bookkeeping).
        can_move = can_move and not _erased_with_it(application)
        if open_one and matches and event.payment_intent and can_move:
            return _move_paid(application, event, now)
        if open_one and not can_move:
            # One message says both: the move did not happen and its payment goes back.
            lapsed = move_lapsed(application, now, MOVE_LATE_PAYMENT)
            return _late_payment(lapsed, event, now, tell=False)
        return _late_payment(application, event, now)
    if event.kind is CheckoutEventKind.PENDING:
        return Settlement("ignore", "a move's difference is asked by card only")
    if open_one and pending is not None and pending.expiring:
        return Settlement("ignore", "expired for an act")  # the act's save ends the move
    if open_one:
        lapsed = move_lapsed(application, now, MOVE_EXPIRED)
        return Settlement("move_lapsed", event.kind.value, lapsed.with_event(event.event_id))
    return Settlement("ignore", "not the open move")


def _erased_with_it(application: Application) -> bool:
    """Whether ``application``'s move waiting for its difference is marked for an erasure
    (``PendingMove.expiring_for``): whatever is paid for it now goes back."""
    pending = application.pending_move
    act = pending.expiring_for if pending is not None and pending.expiring else None
    return act is not None and act.erased


def _move_paid(application: Application, event: CheckoutEvent, now: datetime) -> Settlement:
    """The difference paid: the move made, the payment kept beside the first."""
    pending = application.pending_move
    assert pending is not None
    assert event.payment_intent is not None
    moved = moved_booking(
        application,
        from_course_id=application.course_id,
        to_course_id=pending.to_course_id,
        price_before=pending.price_before,
        price_after=pending.price_after,
        now=now,
        refund_due=0,
        difference_charged=event.amount_total,
        charge_payment_intent=event.payment_intent,
    )
    kept = moved.model_copy(update={"pending_move": None}).with_payment(
        payment_record(event, kept=True)
    )
    return Settlement("move_made", "difference_paid", kept.with_event(event.event_id))


def _late_payment(
    application: Application, event: CheckoutEvent, now: datetime, *, tell: bool = True
) -> Settlement:
    """A move's payment that cannot be kept (the move lapsed, the booking ended, or it is not
    what was asked): given back whole (:func:`late_charge_given_back`)."""
    noted = application.model_copy(update={"updated_at": now}).with_event(event.event_id)
    if not event.payment_intent:
        return Settlement("ignore", "no payment reported", noted)
    record = payment_record(event, kept=False, reason=MOVE_LATE_PAYMENT)
    ended = application.status in (S.CANCELLED, S.REFUNDED)
    said = MOVE_PAID_AFTER_END if ended else MOVE_LATE_PAYMENT
    given_back, refund = late_charge_given_back(noted, record, tell=tell, said=said)
    return Settlement("refund", MOVE_LATE_PAYMENT, given_back, before_save=(refund,))


def late_charge_given_back(
    application: Application,
    record: PaymentRecord,
    *,
    tell: bool = True,
    said: str = MOVE_LATE_PAYMENT,
) -> tuple[Application, Refund]:
    """A move's difference paid when it could no longer be kept (the move had lapsed, or a
    refund had ended the booking: ``domain.payments.paid_after``): recorded beside the
    booking's own as given back, refunded whole before the save (keyed by its checkout, so
    whichever event finds it first asks once), the person told once (``tell``: unless the
    message that the move lapsed says so already), in the words ``said`` names (the move
    lapsed, or the booking had ended: ``MOVE_PAID_AFTER_END``)."""
    given_back = application.with_payment(
        record.model_copy(update={"kept": False, "reason": MOVE_LATE_PAYMENT})
    )
    if tell:
        given_back = given_back.with_emails(
            application.email(
                EmailKind.PAYMENT_REFUNDED,
                occasion=record.session_id,
                reason=said,
                amount=record.amount,
            )
        )
    return given_back, Refund(record.payment_intent, None, late_refund_key(record.session_id))


def lapse_pending(application: Application, now: datetime, reason: str) -> Settlement:
    """The pending move ended by the organiser or the sweep: the hold goes back, its checkout
    is expired after the save (paid meanwhile, its payment is given back by its event)."""
    pending = application.pending_move
    if pending is None:
        return Settlement("ignore", "no move waiting")
    if reason == MOVE_EXPIRED and not pending.overdue(now):
        return Settlement("ignore", "the move's deadline has not passed")
    after = (ExpireCheckout(pending.session_id),) if pending.session_id else ()
    lapsed = move_lapsed(application, now, reason)
    return Settlement("move_lapsed", reason, lapsed, after_save=after)


__all__ = [
    "MOVE_ENDED_BOOKING",
    "MOVE_EXPIRED",
    "MOVE_LATE_PAYMENT",
    "MOVE_PAID_AFTER_END",
    "MOVE_WITHDRAWN",
    "MoveAsked",
    "MoveDeadlinePassed",
    "MoveWithdrawn",
    "is_move_session",
    "lapse_pending",
    "late_charge_given_back",
    "move_checkout_event",
    "move_checkout_key",
    "not_moved_email",
    "pending_refusal",
    "with_move_session",
]
