"""What a money fact does to an application: one pure decision for every way money moves.

A checkout paid, pending, failed or expired; an invoice paid, voided, uncollectible or overdue;
a refund Stripe reports; a bursary granted; a cancellation (with or without a refund): each is
read once, handed to :func:`settle` with the application it belongs to, and answered with the
application's new state and the commands to carry out around its save
(``booking.domain.commands``). Card, invoice, bursary and discount code share every rule:

- **Nothing to pay means confirmed** (:func:`owes_nothing`): however the price came to nothing
  (a 100% code, a full bursary, a code and a bursary together), the place is booked at once,
  and no checkout or invoice for nothing is ever made.
- **Money going out is asked before the save** that records it (keyed, so a repeat is the
  same refund); clean-up after it.
- **A place confirmed needs its seat**: when the save finds none, the decision is made again
  without one (:attr:`Situation.seat_free`), and the money goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import (
    FUNDABLE_STATUSES,
    ON_THE_WAY,
    Application,
    ApplicationStatus,
)
from booking.domain.billing import InvoiceRef, PaymentMethod
from booking.domain.commands import (
    AfterSave,
    ExpireCheckout,
    IssueInvoice,
    NoteAnomaly,
    Refund,
    Refusal,
    Settlement,
    Situation,
    VoidInvoice,
)
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind, decide_invoice
from booking.domain.payments import (
    Action,
    CheckoutEvent,
    RefundEvent,
    after_refund,
    decide,
    payment_record,
)

S = ApplicationStatus
CONFIRMING = (Action.CONFIRM, Action.CONFIRM_IF_SEAT_FREE)
CANCELLABLE = ON_THE_WAY | {S.CONFIRMED}
# What an invoice is said to be once it stops holding a place, by the event that said so (an
# overdue one is voided at Stripe too; the answer is recorded then).
ENDED_INVOICE_STATUS = {
    InvoiceEventKind.VOIDED: "void",
    InvoiceEventKind.UNCOLLECTIBLE: "uncollectible",
    InvoiceEventKind.OVERDUE: "overdue",
}


@dataclass(frozen=True)
class BursaryGranted:
    """An organiser funds ``amount`` (minor units, at most the price) of a place."""

    amount: int


@dataclass(frozen=True)
class Cancellation:
    """An organiser cancels; with ``refund``, the money paid goes back."""

    refund: bool


MoneyFact = CheckoutEvent | InvoiceEvent | RefundEvent | BursaryGranted | Cancellation


def settle(application: Application, fact: MoneyFact, situation: Situation) -> Settlement:
    """The one decision: what ``fact`` does to ``application`` (the one that holds the provider
    object the fact is about), and what must be done around its save."""
    if isinstance(fact, CheckoutEvent):
        return _checkout(application, fact, situation)
    if isinstance(fact, InvoiceEvent):
        return _invoice(application, fact, situation)
    if isinstance(fact, RefundEvent):
        outcome = after_refund(application, fact, situation.now)
        return Settlement(
            "refund_recorded", "full" if outcome.full else "partial", outcome.application
        )
    if isinstance(fact, BursaryGranted):
        return _bursary(application, fact, situation)
    return _cancellation(application, fact, situation)


# -- nothing to pay --------------------------------------------------------------------------


def owes_nothing(application: Application, situation: Situation) -> bool:
    """The one rule: a place whose price a code, a bursary or both bring to nothing is booked
    without any payment step."""
    return application.amount_due(situation.course_price) == 0


def booked_with_nothing_to_pay(application: Application, situation: Situation) -> Application:
    """``application`` confirmed with nothing to pay: the same emails as a paid booking."""
    price = application.price_or(situation.course_price)
    app_id, course_id = application.application_id, application.course_id
    invoice = application.invoice
    return application.moved_to(
        S.CONFIRMED,
        situation.now,
        seat_held=True,
        hold_expires_at=None,
        checkout=None,
        payment_pending=False,
        status_reason="funded" if application.bursary >= price.amount else "nothing_to_pay",
        # An open invoice asks for what is no longer owed: it is voided after the save.
        invoice=_ended(invoice, "void") if application.has_open_invoice() else invoice,
    ).with_emails(
        EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
        EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion="booked"),
    )


def closing(application: Application, now: datetime) -> tuple[AfterSave, ...]:
    """What asked for the old amount and must be closed once the save is done: the open
    checkout (expired), the open invoice (voided)."""
    commands: list[AfterSave] = []
    checkout = application.checkout if application.seat_held else None
    if checkout is not None and checkout.expires_at > now:
        commands.append(ExpireCheckout(checkout.session_id))
    if application.has_open_invoice() and application.invoice is not None:
        commands.append(VoidInvoice(application.invoice.invoice_id))
    return tuple(commands)


def _ended(invoice: InvoiceRef | None, status: str) -> InvoiceRef | None:
    return invoice.model_copy(update={"status": status}) if invoice is not None else None


# -- checkouts -------------------------------------------------------------------------------


def _checkout(application: Application, event: CheckoutEvent, situation: Situation) -> Settlement:
    decision = decide(application, event)
    action, reason, now = decision.action, decision.reason, situation.now
    if action is Action.IGNORE:
        return Settlement(action.value, reason)
    if action is Action.REFUND_UNMATCHED:
        return _unmatched_payment(application, event, reason, now)
    if action in CONFIRMING and not situation.seat_free:
        return _give_back_payment(application, event, "course_full", situation)
    if action is Action.REFUND:
        return _give_back_payment(application, event, reason, situation)
    if action in CONFIRMING:
        return _confirmed_by_card(application, event, situation)
    if action is Action.KEEP_HOLD:
        pending = application.model_copy(update={"payment_pending": True, "updated_at": now})
        return Settlement(action.value, reason, pending.with_event(event.event_id))
    if action is Action.DETACH_CHECKOUT:
        detached = application.model_copy(
            update={"checkout": None, "payment_pending": False, "updated_at": now}
        )
        return Settlement(action.value, reason, detached.with_event(event.event_id))
    released = released_hold(application, now, reason, event.session_id)
    return Settlement(action.value, reason, released.with_event(event.event_id))


def _confirmed_by_card(
    application: Application, event: CheckoutEvent, situation: Situation
) -> Settlement:
    confirmed = _booked(application, situation, event.event_id).model_copy(
        update={"payment_intent": event.payment_intent, "amount_paid": event.amount_total}
    )
    refunds: tuple[Refund, ...] = ()
    if event.payment_intent:  # a fully discounted session takes no payment to record
        confirmed = confirmed.with_payment(payment_record(event, kept=True))
        # A bursary granted while this checkout was open: nobody pays more than is due.
        due = application.amount_due(situation.course_price)
        excess = max(event.amount_total - due, 0) if application.bursary else 0
        if excess:
            key = f"excess-{event.session_id}"
            refunds = (Refund(event.payment_intent, excess, key),)
    return Settlement(Action.CONFIRM.value, "paid", confirmed, before_save=refunds)


def _booked(application: Application, situation: Situation, event_id: str) -> Application:
    """Confirmed by a payment that is what was asked (card or invoice)."""
    app_id, course_id = application.application_id, application.course_id
    return (
        application.moved_to(
            S.CONFIRMED,
            situation.now,
            seat_held=True,
            hold_expires_at=None,
            payment_pending=False,
            status_reason=None,
        )
        .with_event(event_id)
        .with_emails(
            EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
            # Facilitators of pay-now courses hear of an applicant once they have paid: an
            # abandoned checkout is not someone they will meet.
            EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion="booked"),
        )
    )


def _give_back_payment(
    application: Application, event: CheckoutEvent, reason: str, situation: Situation
) -> Settlement:
    """A payment the booking cannot honour goes back (Stripe first, keyed by the session)."""
    app_id, course_id, pi = application.application_id, application.course_id, event.payment_intent
    email = EmailJob.about(
        EmailKind.PAYMENT_REFUNDED, app_id, course_id, occasion=event.session_id, reason=reason
    )
    if not pi:
        # A session that asked for nothing and found the course full: nothing to give back,
        # the place simply is not confirmed (the applicant is told).
        email = email.model_copy(update={"reason": "course_full_no_payment"})
    refunds = (Refund(pi, None, f"refund-{event.session_id}"),) if pi else ()
    given_back = application
    if pi:
        given_back = application.with_payment(payment_record(event, kept=False, reason=reason))
    new = _refunded(given_back, situation, pi, event.amount_total, reason)
    told = new.with_event(event.event_id).with_emails(email)
    return Settlement(Action.REFUND.value, reason, told, before_save=refunds)


def _refunded(
    application: Application,
    situation: Situation,
    payment_intent: str | None,
    amount: int,
    reason: str,
) -> Application:
    """After a payment it could not keep went back: a settled application stands as it was (the
    extra money only goes back); any other ends refunded, its seat freed."""
    if application.status in (S.CONFIRMED, S.REFUNDED):
        return application.model_copy(update={"updated_at": situation.now})
    return application.moved_to(
        S.REFUNDED,
        situation.now,
        seat_held=False,
        hold_expires_at=None,
        payment_pending=False,
        payment_intent=payment_intent,
        amount_paid=amount,
        amount_refunded=amount,
        status_reason=reason,
    )


def _unmatched_payment(
    application: Application, event: CheckoutEvent, reason: str, now: datetime
) -> Settlement:
    """A payment that is not what was asked of Stripe for this application never confirms: it
    goes back, is recorded (so its refund's events are acknowledged) and kept as an anomaly;
    the application stays as it was, so its own checkout can still be paid."""
    anomaly = NoteAnomaly(
        event.event_id,
        reason,
        {
            "application_id": application.application_id,
            "session_id": event.session_id,
            "payment_intent": event.payment_intent or "",
            "amount": str(event.amount_total),
            "currency": event.currency,
        },
    )
    noted = application.model_copy(update={"updated_at": now}).with_event(event.event_id)
    if not event.payment_intent:
        # Nothing to give back and nothing to record: Stripe reported no payment at all.
        return Settlement(Action.REFUND_UNMATCHED.value, reason, noted, before_save=(anomaly,))
    refund = Refund(event.payment_intent, None, f"refund-{event.session_id}")
    noted = noted.with_payment(payment_record(event, kept=False, reason=reason))
    return Settlement(Action.REFUND_UNMATCHED.value, reason, noted, before_save=(anomaly, refund))


def released_hold(
    application: Application, now: datetime, reason: str, occasion: str
) -> Application:
    """The application after its unpaid hold ends (checkout expired or failed, offer lapsed).

    One function for the webhook and the sweep, with the same email job id for the same
    checkout, so whichever notices first tells the applicant and the other changes nothing.
    """
    return application.moved_to(
        S.EXPIRED,
        now,
        seat_held=False,
        hold_expires_at=None,
        payment_pending=False,
        status_reason=reason,
    ).with_emails(
        EmailJob.about(
            EmailKind.CHECKOUT_EXPIRED,
            application.application_id,
            application.course_id,
            occasion=occasion,
            reason=reason,
        )
    )


# -- invoices --------------------------------------------------------------------------------


def _invoice(application: Application, event: InvoiceEvent, situation: Situation) -> Settlement:
    decision = decide_invoice(application, event)
    action, reason = decision.action, decision.reason
    if action is Action.IGNORE:
        return Settlement(action.value, reason)
    if action in CONFIRMING and not situation.seat_free:
        return _give_back_invoice(application, event, "course_full", situation)
    if action is Action.REFUND:
        return _give_back_invoice(application, event, reason, situation)
    if action in CONFIRMING:
        invoice = application.invoice
        confirmed = _booked(application, situation, event.event_id).model_copy(
            update={
                "payment_intent": event.payment_intent,
                "amount_paid": event.amount_paid,
                "invoice": _ended(invoice, "paid"),
            }
        )
        return Settlement(Action.CONFIRM.value, "invoice paid", confirmed)
    # RELEASE_HOLD: an overdue invoice is voided at Stripe too, so it cannot be paid for a
    # place no longer held.
    ended = ENDED_INVOICE_STATUS[event.kind]
    released = invoice_released(application, situation.now, reason, ended)
    after: tuple[AfterSave, ...] = ()
    if event.kind is InvoiceEventKind.OVERDUE:
        after = (VoidInvoice(event.invoice_id),)
    return Settlement(action.value, reason, released.with_event(event.event_id), after_save=after)


def _give_back_invoice(
    application: Application, event: InvoiceEvent, reason: str, situation: Situation
) -> Settlement:
    """An invoice payment the booking cannot honour goes back (keyed by the invoice)."""
    if event.payment_intent is None:
        # Paid outside Stripe (recorded by an organiser): nothing Stripe can give back.
        kept = application.model_copy(update={"updated_at": situation.now})
        return Settlement("keep", "paid_outside_stripe", kept.with_event(event.event_id))
    app_id, course_id = application.application_id, application.course_id
    email = EmailJob.about(
        EmailKind.PAYMENT_REFUNDED, app_id, course_id, occasion=event.invoice_id, reason=reason
    )
    new = _refunded(application, situation, event.payment_intent, event.amount_paid, reason)
    refund = Refund(event.payment_intent, None, f"refund-{event.invoice_id}")
    return Settlement(
        Action.REFUND.value,
        reason,
        new.with_event(event.event_id).with_emails(email),
        before_save=(refund,),
    )


def invoice_released(
    application: Application, now: datetime, reason: str, invoice_status: str
) -> Application:
    """The application after its invoice stopped holding the place (voided, uncollectible,
    overdue): the seat goes back, and the applicant and the billing contact are told."""
    invoice = application.invoice
    return application.moved_to(
        S.EXPIRED,
        now,
        seat_held=False,
        hold_expires_at=None,
        status_reason=reason,
        invoice=_ended(invoice, invoice_status),
    ).with_emails(
        EmailJob.about(
            EmailKind.INVOICE_ENDED,
            application.application_id,
            application.course_id,
            occasion=invoice.invoice_id if invoice else f"hold{application.version}",
            reason=reason,
        )
    )


def invoiced(application: Application, invoice: InvoiceRef, now: datetime) -> Application:
    """``application`` with ``invoice`` just sent by the provider: the seat is held until it
    falls due."""
    return application.moved_to(
        S.AWAITING_INVOICE_PAYMENT,
        now,
        seat_held=True,
        checkout=None,
        hold_expires_at=invoice.due_at,
        invoice=invoice,
        invoice_attempts=invoice.attempt,
        payment_method=PaymentMethod.INVOICE,
        status_reason=None,
    ).with_emails(
        EmailJob.about(
            EmailKind.INVOICE_SENT,
            application.application_id,
            application.course_id,
            occasion=invoice.invoice_id,
        )
    )


# -- organisers: bursaries and cancellations -------------------------------------------------


def _bursary(application: Application, fact: BursaryGranted, situation: Situation) -> Settlement:
    if application.status is S.CONFIRMED and application.bursary == fact.amount:
        return Settlement("ignore", "granted already")
    if application.status not in FUNDABLE_STATUSES:
        return _refused(
            "not_fundable",
            f"a bursary cannot be given to an application that is {application.status.value}",
        )
    funded = application.model_copy(update={"bursary": fact.amount, "updated_at": situation.now})
    if owes_nothing(funded, situation):
        if not situation.seat_free:
            return _refused(
                "course_full", "no place is free for this funded booking; raise the capacity first"
            )
        booked = booked_with_nothing_to_pay(funded, situation)
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
    told = funded.model_copy(update={"checkout": None}).with_emails(
        EmailJob.about(
            EmailKind.BURSARY_GRANTED,
            application.application_id,
            application.course_id,
            occasion=f"bursary-{amount}-{application.version}",
        )
    )
    if not application.has_open_invoice():
        return Settlement(
            "funded_in_part",
            "checkout_closed",
            told,
            after_save=closing(application, situation.now),
        )
    if situation.invoice_due_at is None:
        return _refused(
            "too_late_for_invoice",
            "the course starts too soon to send a new invoice for the rest; cancel the invoice "
            "and ask for payment by card, or fund the whole place",
        )
    reissue = IssueInvoice(situation.invoice_due_at, application.invoice_attempts + 1)
    return Settlement(
        "funded_in_part",
        "invoice_replaced",
        told.model_copy(update={"invoice": None}),
        before_save=(reissue,),
        after_save=closing(application, situation.now),
    )


def _cancellation(application: Application, fact: Cancellation, situation: Situation) -> Settlement:
    """Cancelled, the money going back first when asked (keyed by the application): a crash in
    between leaves a refunded payment whose events end the booking refunded anyway, never a
    cancelled booking whose money was kept."""
    if application.status in (S.CANCELLED, S.REFUNDED):
        return Settlement("ignore", "ended already")
    if application.status not in CANCELLABLE:
        return _refused(
            "not_cancellable",
            f"an application that is {application.status.value} cannot be cancelled",
        )
    owed = application.amount_paid - application.amount_refunded
    refunds: tuple[Refund, ...] = ()
    if fact.refund and application.payment_intent and owed > 0:
        key = f"cancel-{application.application_id}"
        refunds = (Refund(application.payment_intent, None, key),)
    invoice = application.invoice
    cancelled = application.moved_to(
        S.CANCELLED,
        situation.now,
        seat_held=False,
        hold_expires_at=None,
        checkout=None,
        payment_pending=False,
        # Only a refund that was asked of Stripe is promised to the applicant.
        status_reason="refund_requested" if refunds else None,
        invoice=_ended(invoice, "void") if application.has_open_invoice() else invoice,
    ).with_emails(
        EmailJob.about(EmailKind.CANCELLED, application.application_id, application.course_id)
    )
    return Settlement(
        "cancel",
        cancelled.status_reason or "cancelled",
        cancelled,
        before_save=refunds,
        after_save=closing(application, situation.now),
    )


def _refused(code: str, message: str) -> Settlement:
    return Settlement("refused", code, refusal=Refusal(code, message))
