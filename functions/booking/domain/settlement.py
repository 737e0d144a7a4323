"""What a money fact does to an application: one pure decision for every way money moves.

A checkout paid, pending, failed or expired; an invoice paid, voided, uncollectible or overdue;
a refund Stripe reports; a bursary granted; a cancellation (with or without a refund): each is
read once, handed to :func:`settle` with the application it belongs to, and answered with the
application's new state and the commands to carry out around its save
(``booking.domain.commands``). Card, invoice, bursary and discount code share every rule:

- **Nothing to pay means confirmed** (:func:`owes_nothing`): however the price came to nothing
  (a 100% code, a full bursary, a code and a bursary together), the place is booked at once,
  and no checkout or invoice for nothing is ever made.
- **Money going out is asked before the save** that records it (keyed); clean-up after it.
- **A place confirmed needs its seat**: when the save finds none, the decision is made again
  without one (:attr:`Situation.seat_free`), and the money goes back.
- **Nothing is paid for a place once its course's applications close**: a card payment
  taken after that (``domain.paying.paid_late``) is given back (:attr:`Situation.course_open`).
"""

from __future__ import annotations

from datetime import datetime

from booking.domain import page_seen as shown
from booking.domain import refund_failed as failing
from booking.domain.application import ON_THE_WAY, Application, ApplicationStatus
from booking.domain.billing_notices import NEW_INVOICE_SENT
from booking.domain.commands import (
    AfterSave,
    ExpireCheckout,
    IssueInvoice,
    Refund,
    Refusal,
    Settlement,
    Situation,
    VoidInvoice,
)
from booking.domain.covered import why_nothing_to_pay
from booking.domain.dearer_moves import (
    MOVE_EXPIRED,
    MOVE_WITHDRAWN,
    MoveDeadlinePassed,
    MoveWithdrawn,
    is_move_session,
    lapse_pending,
    late_charge_given_back,
    move_checkout_event,
)
from booking.domain.disputed_refunds import refund_refused_while_disputed
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import CourseFull
from booking.domain.facilitators_told import (
    BOOKED,
    CANCELLED_BY_ORGANISERS,
    facilitators_told_it_ended,
)
from booking.domain.group_place import fills_a_group_place, the_place_is_the_groups
from booking.domain.invoice_correction import InvoiceCorrected, correct_invoice
from booking.domain.invoice_instead import InvoicedInsteadOfCard, invoice_instead_of_card
from booking.domain.invoices import InvoiceEvent
from booking.domain.lasting_refusals import TOO_LATE_FOR_INVOICE
from booking.domain.limits import booked_now, released_to
from booking.domain.live_for_money import not_fundable
from booking.domain.move_undone import undone_by_refund
from booking.domain.off_stripe import nothing_at_stripe, paid_off_stripe_only
from booking.domain.organiser_money_acts import BursaryGranted, Cancellation
from booking.domain.payer import bursary_void_notice
from booking.domain.payment_record import CheckoutRef
from booking.domain.payment_settlement import checkout_event, ended_invoice, invoice_event
from booking.domain.payments import CheckoutEvent, RefundEvent, after_refund
from booking.domain.refund_figures import MOVE_PAID_AFTER_END
from booking.domain.refund_partway import (
    CANCELLED_WITHOUT_REFUND,
    NOT_CANCELLED,
    NOTHING_TO_REFUND,
    REFUND_ON_ITS_PAGE,
    REFUND_REFUSED_PARTWAY,
    cancelled_partway_again,
    refused_partway,
)
from booking.domain.waiting_list_leaving import WITHDRAWN_BY_APPLICANT
from booking.domain.wording import status_named

S = ApplicationStatus
CANCELLABLE = ON_THE_WAY | {S.CONFIRMED}


MoneyFact = (
    CheckoutEvent
    | InvoiceEvent
    | RefundEvent
    | BursaryGranted
    | Cancellation
    | InvoiceCorrected
    | InvoicedInsteadOfCard
    | MoveWithdrawn
    | MoveDeadlinePassed
)


def settle(application: Application, fact: MoneyFact, situation: Situation) -> Settlement:
    """The one decision: what ``fact`` does to ``application`` (the one that holds the provider
    object the fact is about), and what must be done around its save."""
    if isinstance(fact, CheckoutEvent):
        if is_move_session(application, fact.session_id):
            # A move's difference paid once the cohort it joins began (``domain.paying``,
            # ``course_open`` False then) makes no move: the payment goes back.
            can_move = situation.seat_free and situation.course_open
            return move_checkout_event(application, fact, situation.now, can_move=can_move)
        return checkout_event(application, fact, situation)
    if isinstance(fact, MoveWithdrawn):
        return _withdrawn(application, fact, situation)
    if isinstance(fact, MoveDeadlinePassed):
        return lapse_pending(application, situation.now, MOVE_EXPIRED)
    if isinstance(fact, InvoiceEvent):
        return invoice_event(application, fact, situation)
    if isinstance(fact, RefundEvent):
        return _refund_reported(application, fact, situation)
    if isinstance(fact, BursaryGranted):
        return _bursary(application, fact, situation)
    if isinstance(fact, InvoiceCorrected):
        return correct_invoice(application, fact, situation)
    if isinstance(fact, InvoicedInsteadOfCard):
        return invoice_instead_of_card(application, fact, situation)
    return _cancellation(application, fact, situation)


def _refund_reported(
    application: Application, fact: RefundEvent, situation: Situation
) -> Settlement:
    """A refund Stripe reports (``domain.payments.after_refund``). Ended, what still asked on
    the booking's behalf is closed (a move's checkout for its difference), and each charge
    paid after the refund that ended it goes back whole, as one paid after its move lapsed;
    a move that charge paid for, not yet told, is undone with it (``domain.move_undone``)."""
    now = situation.now
    if failing.failure_told_already(application, fact):  # told by another event: nothing new
        return Settlement("ignore", "refund failure recorded already")
    outcome = after_refund(application, fact, now)
    told = situation.latest_move_told
    undone = undone_by_refund(application, fact, now, told=told) if outcome.full else None
    if undone is not None:
        outcome = after_refund(undone, fact, now)
    new, refunds = failing.with_failure_noted(outcome.application, fact), []
    for charge in outcome.paid_after:
        new, refund = late_charge_given_back(new, charge, said=MOVE_PAID_AFTER_END)
        refunds.append(refund)
    return Settlement(
        "refund_recorded",
        "full" if outcome.full else "partial",
        new,
        before_save=(*failing.refund_failed_at_stripe(application, new, fact), *refunds),
        after_save=closing(application, now) if outcome.full else (),
    )


# -- nothing to pay --------------------------------------------------------------------------


def owes_nothing(application: Application, situation: Situation) -> bool:
    """The one rule: a place a code, a bursary or both bring to nothing is booked unpaid."""
    return application.amount_due(situation.course_price) == 0


def booked_with_nothing_to_pay(application: Application, situation: Situation) -> Application:
    """``application`` confirmed with nothing to pay: the same emails as a paid booking."""
    price = application.price_or(situation.course_price)
    app_id, course_id = application.application_id, application.course_id
    invoice = application.invoice
    return booked_now(
        application,
        situation.now,
        checkout=None,
        status_reason=why_nothing_to_pay(application, price.amount),
        # An open invoice asks for what is no longer owed: it is voided after the save.
        invoice=ended_invoice(invoice, "void") if application.has_open_invoice() else invoice,
    ).with_emails(
        EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
        EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion=BOOKED),
    )


def closing(application: Application, now: datetime) -> tuple[AfterSave, ...]:
    """What asked for the old amount and must be closed once the save is done: the open
    checkout (expired), the open invoice (voided)."""
    commands: list[AfterSave] = []
    checkout = application.checkout if application.seat_held else None
    if checkout is not None and checkout.expires_at > now and _unpaid(application, checkout):
        commands.append(ExpireCheckout(checkout.session_id))
    if application.has_open_invoice() and application.invoice is not None:
        commands.append(VoidInvoice(application.invoice.invoice_id))
    pending = application.pending_move
    if pending is not None and pending.session_id is not None and not pending.overdue(now):
        commands.append(ExpireCheckout(pending.session_id))
    return tuple(commands)


def _unpaid(application: Application, checkout: CheckoutRef) -> bool:
    """Whether a checkout may still be paid: none of the payments the application records came
    through it (one that did is complete, and Stripe refuses to expire it)."""
    return all(p.session_id != checkout.session_id for p in application.payments)


# -- organisers: bursaries and cancellations -------------------------------------------------


def _bursary(application: Application, fact: BursaryGranted, situation: Situation) -> Settlement:
    ended = not_fundable(application, situation.payment_refused)  # a turning-down meanwhile
    if application.bursary == fact.amount and (ended is None or application.status is S.CONFIRMED):
        # The same grant again (a form sent twice, two tabs): its end holds already.
        return Settlement("ignore", "granted already")
    if ended is not None:
        return _refusal(ended)
    currency = situation.course_price.currency
    if changed := shown.bursary_refusal(fact.seen, application, currency, now=situation.now):
        return _refusal(changed)
    funded = application.model_copy(update={"bursary": fact.amount, "updated_at": situation.now})
    if owes_nothing(funded, situation):
        if not situation.seat_free:
            full = "no place is free for this funded booking; raise the capacity first"
            return _refused(CourseFull.code, full)
        booked = booked_with_nothing_to_pay(funded, situation)
        voided_told = bursary_void_notice(application)  # the employer's invoice
        booked = booked.with_emails(voided_told) if voided_told else booked
        return Settlement(
            "confirm",
            booked.status_reason or "",
            booked,
            after_save=closing(application, situation.now),
        )
    return _part_funded(application, funded, fact.amount, situation)


def _part_funded(
    application: Application, funded: Application, amount: int, situation: Situation
) -> Settlement:
    """Part of the price funded: what asked for the old amount is closed; an invoice is
    replaced by one for the rest in the same step, a checkout is started again by the
    applicant at the new amount."""
    reissued = application.has_open_invoice()  # else none is sent, nor said
    told = funded.model_copy(update={"checkout": None}).with_emails(
        application.email(
            EmailKind.BURSARY_GRANTED,
            occasion=f"bursary-{amount}-{application.version}",
            amount=amount,
            reason=NEW_INVOICE_SENT if reissued else None,
        )
    )
    if not reissued:
        return Settlement(
            "funded_in_part",
            "checkout_closed",
            told,
            after_save=closing(application, situation.now),
        )
    if situation.invoice_due_at is None:
        return _refused(
            TOO_LATE_FOR_INVOICE,
            "the course starts too soon to send a new invoice for the rest; cancel the invoice "
            "and ask for payment by card, or fund the whole place",
        )
    # Its id recorded before the provider sends it (``IssueInvoice.recorded_first``): a grant
    # stopped after that finds it, to void it, or to record it as the booking's once paid.
    reissue = IssueInvoice(
        situation.invoice_due_at, application.invoice_attempts + 1, recorded_first=True
    )
    return Settlement(
        "funded_in_part",
        "invoice_replaced",
        told.model_copy(update={"invoice": None}),
        before_save=(reissue,),
        after_save=closing(application, situation.now),
    )


# A cancellation's email's reason when no refund was asked (the email says what happens).
CANCELLED_KEEPING_THE_MONEY = "cancelled"


def _cancellation(application: Application, fact: Cancellation, situation: Situation) -> Settlement:
    """Cancelled, the money going back first when asked (keyed by the application): a crash in
    between leaves a refunded payment whose events end the booking refunded anyway, never a
    cancelled booking whose money was kept."""
    if fills_a_group_place(application):
        # The place, and the money that paid for it, are the employer's: the manager gives
        # it up or names someone else.
        off = fact.group_paid_off_stripe
        return _refused(
            "group_place", the_place_is_the_groups(fact.group_organisation, paid_off_stripe=off)
        )
    currency = application.price_or(situation.course_price).currency
    if application.status in (S.CANCELLED, S.REFUNDED):
        return _ended_already(application, fact, situation, currency)
    if fact.afterwards:
        return _refused("not_cancelled", NOT_CANCELLED)
    if application.status not in CANCELLABLE:
        return _refused(
            "not_cancellable",
            f"an application that is {status_named(application.status)} cannot be cancelled",
        )
    if moved_on := shown.seen_refusal(fact.seen, application, currency, now=situation.now):
        return _refusal(moved_on)
    if fact.refund and (cannot := _no_refund(application, currency, cancelled=False)):
        return _refusal(cannot)  # ticked "refund" with nothing to give back: said, never dropped
    owed, why = application.amount_kept, WITHDRAWN_BY_APPLICANT if fact.by_applicant else None
    refunds = cancellation_refunds(application) if fact.refund else ()
    invoice = application.invoice
    cancelled = released_to(
        application,
        S.CANCELLED,
        situation.now,
        checkout=None,
        payment_pending=False,
        # Only a refund that was asked of Stripe is promised to the applicant.
        status_reason="refund_requested" if refunds else why,
        last_refund=owed if refunds else application.last_refund,
        invoice=ended_invoice(invoice, "void") if application.has_open_invoice() else invoice,
        # A move waiting for payment ends with the booking: its hold goes back with the seat,
        # its checkout is expired (paid meanwhile, the payment is given back by its event).
        pending_move=None,
        # So does a move waiting for a seat: its place on that waiting list goes with it.
        waiting_move=None,
    ).with_emails(
        application.email(
            EmailKind.CANCELLED,
            # Said as it was cancelled: composed later, the application's own reason may have
            # moved on (the refund's event landing first ends it "cancelled_and_refunded").
            reason="refund_requested" if refunds else why or CANCELLED_KEEPING_THE_MONEY,
        ),
        *facilitators_told_it_ended(application, CANCELLED_BY_ORGANISERS),
    )
    return Settlement(
        "cancel",
        cancelled.status_reason or "cancelled",
        cancelled,
        before_save=refunds,
        after_save=closing(application, situation.now),
    )


def _ended_already(
    application: Application, fact: Cancellation, situation: Situation, currency: str
) -> Settlement:
    """A cancellation, or Refund afterwards, of a booking that has ended already."""
    if fact.refund and (cannot := _no_refund(application, currency, cancelled=True)):
        return _refusal(cannot)
    if fact.refund and cancelled_keeping_money(application):
        if fact.afterwards:  # the Refund button's, acting on what its page said (page_seen)
            changed = shown.seen_refusal(
                fact.seen, application, currency, shown.REFUND_AGAIN, now=situation.now
            )
            return _refusal(changed) if changed else _refunded_afterwards(application, situation)
        if refused_partway(application):
            # Cancelled with a refund Stripe refused partway: said as it was.
            words = cancelled_partway_again(application, currency, refund_named=REFUND_ON_ITS_PAGE)
            return _refused(REFUND_REFUSED_PARTWAY, words)
        # Asked to refund a booking cancelled without one by cancelling it again: nothing
        # is done, and a quiet 200 would read as the money gone back.
        return _refused("cancelled_without_refund", CANCELLED_WITHOUT_REFUND)
    if fact.refund and (failed := failing.refused_after_failure(application, currency)):
        return _refusal(failed)  # its refund failed at Stripe: never 200 for nothing done
    if fact.afterwards and not (application.charges_paid or application.last_refund):
        return _refused("nothing_to_refund", NOTHING_TO_REFUND)
    return Settlement("ignore", "ended already")


def _no_refund(application: Application, currency: str, *, cancelled: bool) -> Refusal | None:
    """Why the booking's money cannot be refunded through Stripe, or None: paid outside it
    (``domain.off_stripe``), or taken back by the payer's bank in a dispute, where a refund
    would pay them twice (``domain.disputed_refunds``). Paid outside Stripe and all given back by
    hand since is refused too, in words saying so: never a quiet "ended already"."""
    if paid_off_stripe_only(application):
        return nothing_at_stripe(application, currency, cancelled=cancelled)
    return refund_refused_while_disputed(application, currency, cancelled=cancelled)


def _refunded_afterwards(application: Application, situation: Situation) -> Settlement:
    """What a booking cancelled without a refund kept, given back now: the refunds a
    cancellation with one asks for (same keys: a retry or a second click is the same refund),
    recorded as asked, and the person told once, here (the refund's event finds it asked and
    tells them nothing again; landing first, it tells them, and this decision is not made)."""
    owed = application.amount_kept
    asked = application.model_copy(
        update={
            "status_reason": "refund_requested",
            "last_refund": owed,
            "updated_at": situation.now,
        }
    ).with_emails(
        application.email(
            EmailKind.PAYMENT_REFUNDED,
            occasion="full",
            reason="cancelled_and_refunded",
            amount=owed,
        )
    )
    return Settlement(
        "refund", "refund_requested", asked, before_save=cancellation_refunds(application)
    )


def cancellation_refunds(application: Application) -> tuple[Refund, ...]:
    """Everything the booking kept, given back charge by charge: all that is left of each
    (its first payment and any move's difference), keyed by the application and the charge,
    so a repeat is the same refunds and never more than a charge holds."""
    app_id = application.application_id
    return tuple(
        Refund(
            payment_intent,
            None,
            f"cancel-{app_id}"
            if payment_intent == application.payment_intent
            else f"cancel-{app_id}-{payment_intent}",
        )
        for payment_intent, _left in application.charges_left()
    )


def _withdrawn(application: Application, fact: MoveWithdrawn, situation: Situation) -> Settlement:
    """The organiser withdraws the move waiting for payment: the booking stays where it is."""
    if application.pending_move is None:
        return _refused(
            "no_move_pending", "no move of this booking is waiting (for payment or for a seat)"
        )
    currency = application.price_or(situation.course_price).currency
    again = shown.WITHDRAW_AGAIN
    if changed := shown.seen_refusal(fact.seen, application, currency, again, now=situation.now):
        return _refusal(changed)  # the page's move is not the one waiting now (page_seen)
    return lapse_pending(application, situation.now, MOVE_WITHDRAWN)


def cancelled_keeping_money(application: Application) -> bool:
    """A booking cancelled without a refund (none asked of Stripe) that still keeps money."""
    return (
        application.status is S.CANCELLED
        and application.status_reason != "refund_requested"
        and bool(application.charges_left())
    )


def _refusal(refusal: Refusal) -> Settlement:
    return Settlement("refused", refusal.code, refusal=refusal)


def _refused(code: str, message: str) -> Settlement:
    return Settlement("refused", code, refusal=Refusal(code, message))
