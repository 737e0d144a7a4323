"""Moving a booking to another cohort of the same programme: the rules, no I/O.

What may move: a **confirmed** booking only. One still on its way (under review, waiting,
offered, awaiting a card payment or an invoice) has a checkout, an offer or an invoice that asked
for the old cohort's terms; moving it would leave Stripe asking for a place it no longer names.
The organiser cancels it instead and the person applies to the other cohort. Nor does a place
of a manager's group booking (``domain.groups``): the group holds its seats on its own cohort,
so the manager gives the place to someone else or gives it up instead. Nor does a booking
whose cohort has begun or whose register has a mark for it: its attendance belongs to the cohort
it is on, and a move would lose it.

Where to: another cohort of the same programme, still taking applications (not closed, not
begun), with a seat free for a newcomer (nobody on its waiting list: the waiting list goes
first there too). A full cohort is refused with its name and the suggestion to raise its
capacity, unless the organiser chooses its waiting list (``domain.waiting_moves``).

The seat moves in the repository's one save: what an application holds is derived from its
state (``domain.limits``), so changing its ``course_id`` gives the old cohort's seat back and
claims the new one, conditionally, in one transaction; the person's enrolment moves with it.

Money stays with the booking (the promise rule: the price accepted is what is paid, now on the
new cohort's terms). The new cohort's price is the place's price; a bursary carries over as the
same amount of money (funding at most the new price: it is never paid out), a discount code as
the same reduction (its use stays counted on the code of the course it was given on). A
cheaper cohort gives back the difference between what was kept and what the new cohort asks, as
a partial refund of the booking's own payment, keyed by the move (``transfer-<application>-<n>``).
It is asked of Stripe *after* the move is saved, so a move that loses its seat to a race never
refunds anything; a refund that fails is still owed on the
record and the same request again completes it. A dearer cohort asks the person for the
difference by card first (the decision is the pending move, ``domain.dearer_moves`` carries it
on). A difference below Stripe's minimum charge cannot be charged at all: it is waived, the move
made at once, and the waived amount kept on the move's record. A booking paid by its employer's
invoice is told so when the cohort costs more: the invoice cannot be part-charged by card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.attendance import MARKS_BEFORE_A_SESSION
from booking.domain.billing import PaymentMethod
from booking.domain.commands import Refusal, nobody_to_tell
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.disputed_refunds import difference_not_refundable
from booking.domain.emails import EmailJob
from booking.domain.errors import CourseFull
from booking.domain.facilitators_told import moved_in_copy, moved_out_copy
from booking.domain.money import Money, below_minimum_charge, money_words
from booking.domain.off_stripe import nothing_at_stripe_to_refund
from booking.domain.offer_declines import was_declined
from booking.domain.paying import joinable
from booking.domain.programme import programme_of
from booking.domain.statuses import ON_THE_WAY
from booking.domain.transfer_record import PendingMove, RefundPart, TransferRecord
from booking.domain.transfer_refunds import with_transfer_refund as with_transfer_refund
from booking.domain.wording import cohort_name, shown_named

S = ApplicationStatus


# Why this booking cannot move to that cohort now: an organiser's request refused, answered as
# a Conflict like every other (``commands.Refusal``), under the name the transfer rules read.
TransferRefused = Refusal


@dataclass(frozen=True)
class Transfer:
    """A decided move: the booking as it is to be saved, and what to give back afterwards."""

    application: Application
    refund_due: int  # minor units of the booking's own payment to give back; 0: none
    idempotency_key: str


@dataclass(frozen=True)
class MoveAsked:
    """A dearer move asked for (``domain.dearer_moves``): the booking as it is to be saved
    (holding the new seat), and the checkout to open for the difference once it is."""

    application: Application
    pending: PendingMove


def refusal(
    application: Application, source: Course, target: Course, now: datetime
) -> TransferRefused | None:
    """Why ``application`` (on ``source``) cannot move to ``target`` now; None when it can:
    another move waits, the booking may not move at all, the cohort cannot take it, or the
    money cannot follow."""
    return _refusal(application, source, target, now, difference_to_pay(application, target))


def _refusal(
    application: Application, source: Course, target: Course, now: datetime, more: int
) -> TransferRefused | None:
    return (
        pending_refusal(application, target.course_id)
        or booking_refusal(application, source, now)
        or target_refusal(source, target, now)
        or money_refusal(application, source, target, more)
        or too_late_to_pay(target, now, more)
    )


def too_late_to_pay(target: Course, now: datetime, more: int) -> TransferRefused | None:
    """A difference asked by card could not be paid before ``target``'s applications close
    (``Course.accepts_applications``: a checkout is held at least ``CHECKOUT_HOLD``)."""
    if _asked_by_card(more, target) and not target.accepts_applications(now):
        return TransferRefused(
            "course_closed",
            f"{cohort_name(target)} begins too soon for its difference to be paid before it "
            f"starts; choose a cohort at the same price or less",
        )
    return None


def pending_refusal(application: Application, target_id: str) -> TransferRefused | None:
    """A booking with a move waiting for payment asks for no other until it is paid or
    withdrawn (it holds one seat elsewhere at a time)."""
    pending = application.pending_move
    if pending is None or pending.to_course_id == target_id:
        return None
    return move_pending(pending)


def move_pending(pending: PendingMove) -> TransferRefused:
    """Refused while a move of the booking waits for its difference to be paid."""
    return TransferRefused(
        "move_pending",
        f"a move of this booking is waiting for {pending.difference_words()} to be paid; "
        f"withdraw it first",
    )


def booking_refusal(
    application: Application, source: Course, now: datetime
) -> TransferRefused | None:
    """Why this booking may not move to any cohort now (its state, its place, its register)."""
    if application.status is not S.CONFIRMED and application.payment_pending:
        # Said as the payment stands, not by the status alone (a pending payment is no plain
        # status).
        due = application.amount_due(source.definition.price)
        currency = application.price_or(source.definition.price).currency
        return TransferRefused(
            "not_transferable",
            f"a payment of {money_words(due, currency)} for this booking is going through: "
            "once it arrives the booking is confirmed and can be moved; nothing was changed",
        )
    if application.status is not S.CONFIRMED:
        # On its way, it can be cancelled and the person apply there; ended, it is only said.
        what_then = (
            "cancel it, and the person can apply to the other cohort"
            if application.status in ON_THE_WAY and not was_declined(application)
            else "it has ended; the person can apply to the other cohort"
        )
        shown = shown_named(application.status, application.status_reason)  # as the console
        return TransferRefused(
            "not_transferable",
            f"only a confirmed booking can move to another cohort; this one is {shown} "
            f"({what_then})",
        )
    if (erased := nobody_to_tell(application)) is not None:
        return TransferRefused("not_transferable", erased.message)
    if pending_refund(application) is not None:
        # What the booking keeps is what the next move's difference is counted from: it is
        # known once the last move's refund is made (the sweep or asking again makes it).
        return TransferRefused(
            "refund_owed",
            "the refund of this booking's last move is still to be made; ask for that move "
            "again (or wait for the next sweep), then move it",
        )
    if application.group_place is not None:
        # The place is one of a manager's group booking, held on the group's cohort: moving
        # the person alone would leave the group's seat there and take none on the new one.
        return TransferRefused(
            "group_place",
            "this booking fills a place of a manager's group booking, which is for this cohort; "
            "the manager can give the place to someone else or give it up instead",
        )
    return _register_refusal(application, source, now)


def _register_refusal(
    application: Application, source: Course, now: datetime
) -> TransferRefused | None:
    """The register of the cohort left is about its own sessions: moving would drop the marks
    it holds (or is about to hold) for this booking."""
    if now >= source.first_start():
        return TransferRefused(
            "cohort_begun",
            f"{cohort_name(source)} has begun: the booking stays there, with its attendance",
        )
    if any(mark not in MARKS_BEFORE_A_SESSION for mark in application.attendance.values()):
        return TransferRefused(
            "cohort_begun",
            f"the register of {cohort_name(source)} has a mark for this booking: the booking "
            f"stays there, with its attendance",
        )
    if application.completion is not None:
        return TransferRefused(
            "not_transferable",
            "the register of this booking's cohort is closed: its completion is decided",
        )
    return None


def target_refusal(source: Course, target: Course, now: datetime) -> TransferRefused | None:
    """Why ``target`` cannot take a booking from ``source`` now (whoever it is)."""
    if target.course_id == source.course_id:
        return TransferRefused("same_course", "the booking is on this cohort already")
    if programme_of(target) != programme_of(source):
        return TransferRefused(
            "other_programme",
            f"{cohort_name(target)} is not a cohort of this booking's programme",
        )
    if not joinable(target, now):
        return TransferRefused(
            "course_closed", f"{cohort_name(target)} is closed or has begun: nobody can join it"
        )
    if not target.seat_free_for_newcomer:
        waiting = " and people are waiting for a place" if target.waiting else ""
        return TransferRefused(
            CourseFull.code,
            f"{cohort_name(target)} has no place free{waiting}; raise its capacity first, or "
            f"choose another cohort",
        )
    return None


def money_refusal(
    application: Application, source: Course, target: Course, more: int
) -> TransferRefused | None:
    """Why the booking's money cannot follow it to ``target`` (its currency, a difference:
    ``more``, the :func:`difference_to_pay`)."""
    source_price = application.price_or(source.definition.price)
    target_price = target.definition.price
    if source_price.currency != target_price.currency:
        return TransferRefused(
            "other_currency", f"{cohort_name(target)} is priced in another currency"
        )
    if more > 0 and not waived(more, target_price.currency) and not chargeable(application):
        return _costs_more(application, target, more)
    if more < 0:  # given back through Stripe: a payment it holds, never one disputed
        return difference_not_refundable(application, target, -more)
    return None


def chargeable(application: Application) -> bool:
    """Whether a dearer cohort's difference can be asked of the person by card
    (``domain.dearer_moves``): a booking paid by card, not by its employer's invoice."""
    return application.payment_method is not PaymentMethod.INVOICE


def _costs_more(application: Application, target: Course, more: int) -> TransferRefused:
    """A difference Stripe could charge but this booking cannot be asked for: refused, in
    words that say what to do instead."""
    more_words = money_words(more, target.definition.price.currency)
    # The employer was invoiced for the old price; a card charge for the rest would be a
    # second bill to someone else, and a paid invoice cannot be reissued for more.
    # Paid outside Stripe, nothing can be refunded from here: advise what can.
    cancel = (
        "cancel it without the refund (it was paid outside Stripe: give the money back the way "
        "it was received)"
        if nothing_at_stripe_to_refund(application)
        else "cancel with a refund"
    )
    return TransferRefused(
        "transfer_costs_more",
        f"{cohort_name(target)} costs {more_words} more than was paid, and this booking "
        f"was paid by the employer's invoice, which cannot be part-charged by card; {cancel} "
        f"and have the person apply to it, or choose a cohort at the same price or less",
    )


def difference_asked(application: Application, target: Course) -> int:
    """What the move to ``target`` asks the person to pay by card before it is made (minor
    units; 0: the move is made at once)."""
    more = difference_to_pay(application, target)
    return more if _asked_by_card(more, target) else 0


def _asked_by_card(more: int, target: Course) -> bool:
    return more > 0 and not waived(more, target.definition.price.currency)


def difference_to_pay(application: Application, target: Course) -> int:
    """What the place on ``target`` asks beyond what the booking keeps (minor units; 0 or
    less: nothing more to pay)."""
    return _due_after(application, target) - application.amount_kept


def waived(more: int, currency: str) -> bool:
    """Whether a difference to pay is waived: more than nothing but less than Stripe's minimum
    charge (``money.below_minimum_charge``), so no card could be asked for it. The move is
    made at once and the waived amount kept on its record."""
    return below_minimum_charge(more, currency) is not None


def decide_transfer(
    application: Application, source: Course, target: Course, now: datetime
) -> Transfer | MoveAsked | TransferRefused:
    """The move of ``application`` from ``source`` to ``target`` decided now: made at once, a
    dearer one asked for first (the pending move, the seat there held meanwhile), or why not."""
    more = difference_to_pay(application, target)
    refused = _refusal(application, source, target, now, more)
    if refused is not None:
        return refused
    if _asked_by_card(more, target):
        return ask_for_difference(application, source, target, now, more)
    return transfer_made(application, source, target, now)


def transfer_made(
    application: Application, source: Course, target: Course, now: datetime
) -> Transfer:
    """The move at the same price or less (or a difference waived), made now: its refusals
    were checked (by ``decide_transfer``, or by ``domain.waiting_moves`` when a seat freed)."""
    more = difference_to_pay(application, target)
    refund_due = max(-more, 0)
    moved = moved_booking(
        application,
        from_course_id=source.course_id,
        to_course_id=target.course_id,
        price_before=application.price_or(source.definition.price),
        price_after=target.definition.price,
        now=now,
        refund_due=refund_due,
        difference_waived=max(more, 0),
    )
    move = len(moved.transfers)
    return Transfer(moved, refund_due, transfer_refund_key(application.application_id, move))


def ask_for_difference(
    application: Application, source: Course, target: Course, now: datetime, more: int
) -> MoveAsked:
    """The dearer move asked for: the seat on ``target`` held until the checkout's deadline."""
    attempt = application.move_attempts + 1
    pending = PendingMove(
        to_course_id=target.course_id,
        price_before=application.price_or(source.definition.price),
        price_after=target.definition.price,
        difference=more,
        asked_at=now,
        expires_at=now + CHECKOUT_HOLD,
        attempt=attempt,
    )
    asked = application.model_copy(
        update={"pending_move": pending, "move_attempts": attempt, "updated_at": now}
    )
    return MoveAsked(asked, pending)


def moved_booking(
    application: Application,
    *,
    from_course_id: str,
    to_course_id: str,
    price_before: Money,
    price_after: Money,
    now: datetime,
    refund_due: int = 0,
    difference_waived: int = 0,
    difference_charged: int = 0,
    charge_payment_intent: str | None = None,
) -> Application:
    """``application`` moved to ``to_course_id`` at ``price_after``: its record, its one email
    and the facilitators' copies (the repository's save moves the seat and the enrolment)."""
    move = len(application.transfers) + 1
    record = TransferRecord(
        from_course_id=from_course_id,
        to_course_id=to_course_id,
        at=now,
        price_before=price_before,
        price_after=price_after,
        refund_due=refund_due,
        refund_parts=refund_parts(application, refund_due),
        difference_waived=difference_waived,
        difference_charged=difference_charged,
        charge_payment_intent=charge_payment_intent,
    )
    app_id = application.application_id
    discount = application.discount
    if discount is not None and discount.course_id is None:
        # The code is the old course's: its use stays counted there (``domain.limits``).
        discount = discount.model_copy(update={"course_id": from_course_id})
    return application.model_copy(
        update={
            "course_id": to_course_id,
            "price": price_after,
            "discount": discount,
            "transfers": (*application.transfers, record),
            # Before the old cohort begins its register can hold only apologies sent ahead,
            # about its own sessions: they do not follow the booking to the new cohort.
            "attendance": {},
            "updated_at": now,
        }
    ).with_emails(*_move_emails(app_id, from_course_id, to_course_id, move, refund_due))


def _move_emails(
    app_id: str, from_course_id: str, to_course_id: str, move: int, refund_due: int
) -> tuple[EmailJob, ...]:
    """The person's one email of the move, and the facilitators' copies: the new cohort's
    hear of the person moving in (with the booking, as of any), the old cohort's of the
    person leaving them."""
    return (
        EmailJob.transferred(app_id, from_course_id, to_course_id, move, refund_due),
        moved_in_copy(app_id, to_course_id, move),
        moved_out_copy(app_id, from_course_id, move),
    )


def _due_after(application: Application, target: Course) -> int:
    """What the place costs on ``target``: its price, less the same bursary and code."""
    return application.model_copy(update={"price": target.definition.price}).amount_due(
        target.definition.price
    )


def refund_parts(application: Application, amount: int) -> tuple[RefundPart, ...]:
    """``amount`` taken from the charges the booking kept, the newest first (a move's
    difference before the first payment), each for no more than is left of it."""
    parts: list[RefundPart] = []
    left_to_take = amount
    for payment_intent, left in application.charges_left():
        if left_to_take <= 0:
            break
        taken = min(left, left_to_take)
        parts.append(RefundPart(payment_intent=payment_intent, amount=taken))
        left_to_take -= taken
    return tuple(parts)


def transfer_refund_key(application_id: str, move: int, part: int = 1) -> str:
    """The move's refund of its ``part``-th charge (the first keeps the key it always had)."""
    base = f"transfer-{application_id}-{move}"
    return base if part == 1 else f"{base}-{part}"


def pending_refund(application: Application) -> tuple[TransferRecord, int] | None:
    """The latest move's refund, if it is still owed: the record and its number. Only while
    the booking stands: a cancellation's own refund gives back all that was kept."""
    if not application.transfers or application.status is not S.CONFIRMED:
        return None
    latest = application.transfers[-1]
    return (latest, len(application.transfers)) if latest.refund_pending else None
