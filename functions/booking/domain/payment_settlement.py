"""What Stripe's events about payments do to the application that holds their object: a
checkout's (paid, pending, failed, expired) and an invoice's (paid, voided, uncollectible,
overdue). Part of the one money decision (``domain.settlement``), which hands these here.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import (
    Application,
    ApplicationStatus,
    PaymentRecord,
)
from booking.domain.billing import InvoiceRef, PaymentMethod, invoice_hold_ends
from booking.domain.commands import (
    AfterSave,
    NoteAnomaly,
    Refund,
    Settlement,
    Situation,
    VoidInvoice,
)
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.facilitators_told import BOOKED
from booking.domain.invoices import (
    SUPERSEDED_INVOICE,
    InvoiceEvent,
    InvoiceEventKind,
    decide_invoice,
)
from booking.domain.limits import booked_now, released_to
from booking.domain.paid_without_a_place import kept_without_a_place
from booking.domain.payments import (
    Action,
    CheckoutEvent,
    CheckoutEventKind,
    decide,
    payment_record,
    unmatched_refund_key,
)
from booking.domain.statuses import PAID_WHEN_CODE_USED_UP, PAID_WHEN_FULL

S = ApplicationStatus
# A payment of a hold that had ended unpaid, arriving once its discount code's uses were all
# taken (its own given back when the hold ended: ``limits.holds_code_use``): it goes back.
CONFIRMING = (Action.CONFIRM, Action.CONFIRM_IF_SEAT_FREE)
# What an invoice is said to be once it stops holding a place, by the event that said so (an
# overdue one is voided at Stripe too; the answer is recorded then).
ENDED_INVOICE_STATUS = {
    InvoiceEventKind.VOIDED: "void",
    InvoiceEventKind.UNCOLLECTIBLE: "uncollectible",
    InvoiceEventKind.OVERDUE: "overdue",
}


def ended_invoice(
    invoice: InvoiceRef | None, status: str, paid_at: datetime | None = None
) -> InvoiceRef | None:
    """``invoice`` said to be ``status`` now (None stays None); paid at ``paid_at``, a moment
    recorded once (the first applied stands)."""
    if invoice is None:
        return None
    return invoice.model_copy(update={"status": status, "paid_at": invoice.paid_at or paid_at})


def _given_back_because(action: Action, reason: str, situation: Situation) -> str | None:
    """Why a payment (by card or of an invoice) goes back rather than book the place (None:
    it does not): no seat free for it, its discount code's uses all taken since, or the
    decision itself is a refund (for its ``reason``)."""
    if action in CONFIRMING and not situation.seat_free:
        return PAID_WHEN_FULL
    if action in CONFIRMING and not situation.code_use_free:
        return PAID_WHEN_CODE_USED_UP
    if action is Action.REFUND:
        return reason
    return None


# -- checkouts -------------------------------------------------------------------------------


def checkout_event(
    application: Application, event: CheckoutEvent, situation: Situation
) -> Settlement:
    decision = decide(application, event)
    action, reason, now = decision.action, decision.reason, situation.now
    if action is Action.IGNORE:
        return Settlement(action.value, reason)
    if action is Action.REFUND_UNMATCHED:
        return _unmatched_payment(application, event, reason, now)
    if action in CONFIRMING and not situation.course_open:
        return _give_back_payment(application, event, "course_closed", situation)
    given_back_because = _given_back_because(action, reason, situation)
    if given_back_because is not None:
        return _give_back_payment(application, event, given_back_because, situation)
    if action in CONFIRMING:
        return _confirmed_by_card(application, event, situation)
    if action is Action.KEEP_HOLD:
        pending = _completed(application, event.session_id, event.created or now)
        pending = pending.model_copy(update={"payment_pending": True, "updated_at": now})
        return Settlement(action.value, reason, pending.with_event(event.event_id))
    if action is Action.DETACH_CHECKOUT:
        detached = application.model_copy(
            update={"checkout": None, "payment_pending": False, "updated_at": now}
        )
        if event.kind is CheckoutEventKind.FAILED:
            detached = bank_refused_offer_payment(detached, event.session_id)
        return Settlement(action.value, reason, detached.with_event(event.event_id))
    released = released_hold(application, now, reason, event.session_id)
    return Settlement(action.value, reason, released.with_event(event.event_id))


# The reason of the email telling a person offered a place that their bank refused its payment
# while the offer still holds the place for them (they were told nothing).
OFFER_PAYMENT_FAILED = "offer_payment_failed"


def bank_refused_offer_payment(application: Application, session_id: str) -> Application:
    """``application``, an offer whose payment its bank refused (a delayed method's), still
    offered until its deadline: said so (``status_reason`` ``failed``, as a first-time
    applicant's refused payment is, until a payment is started again) and told once per
    checkout, "pay again or turn it down"."""
    told = application.email(
        EmailKind.CHECKOUT_EXPIRED, occasion=session_id, reason=OFFER_PAYMENT_FAILED
    )
    return application.model_copy(update={"status_reason": "failed"}).with_emails(told)


def _completed(application: Application, session_id: str, at: datetime) -> Application:
    """``application`` with its checkout ``session_id`` recorded as completed at ``at`` (a
    delayed method's payment pending): the moment its settling is judged by should the start
    be brought forward into its hold (``domain.paying.completed_late``). A first record
    stands (an event sent again says nothing newer)."""
    checkout = application.checkout
    return application.model_copy(
        update={
            "checkout": checkout.completed(session_id, at) if checkout is not None else None,
            "checkout_history": tuple(
                ref.completed(session_id, at) for ref in application.checkout_history
            ),
        }
    )


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
        booked_now(application, situation.now, status_reason=None)
        .with_event(event_id)
        .with_emails(
            EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
            # Facilitators of pay-now courses hear of an applicant once they have paid: an
            # abandoned checkout is not someone they will meet.
            EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion=BOOKED),
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
    """After a payment it could not keep went back: a settled application, or one holding a
    payment of its own (cancelled after paying), stands as it was: the extra money only goes
    back, recorded beside its own. Any other ends refunded, its seat freed."""
    if application.status in (S.CONFIRMED, S.REFUNDED) or application.payment_intent:
        return application.model_copy(update={"updated_at": situation.now})
    return released_to(
        application,
        S.REFUNDED,
        situation.now,
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
    refund = Refund(
        event.payment_intent, None, unmatched_refund_key(event.session_id, event.payment_intent)
    )
    noted = noted.with_payment(payment_record(event, kept=False, reason=reason))
    return Settlement(Action.REFUND_UNMATCHED.value, reason, noted, before_save=(anomaly, refund))


def released_hold(
    application: Application, now: datetime, reason: str, occasion: str
) -> Application:
    """The application after its unpaid hold ends (checkout expired or failed, offer lapsed).

    One function for the webhook and the sweep, with the same email job id for the same
    checkout, so whichever notices first tells the applicant and the other changes nothing.
    """
    return released_to(
        application, S.EXPIRED, now, payment_pending=False, status_reason=reason
    ).with_emails(
        application.email(
            EmailKind.CHECKOUT_EXPIRED,
            occasion=occasion,
            reason=reason,
        )
    )


# -- invoices --------------------------------------------------------------------------------


def invoice_event(
    application: Application, event: InvoiceEvent, situation: Situation
) -> Settlement:
    decision = decide_invoice(application, event, situation.now)
    action, reason = decision.action, decision.reason
    if action is Action.IGNORE:
        told = _ended_invoice_as_stripe_says(application, event, situation.now)
        if told is not None:
            return Settlement("invoice_status_recorded", reason, told.with_event(event.event_id))
        return Settlement(action.value, reason)
    given_back_because = _given_back_because(action, reason, situation)
    if given_back_because is not None:
        return _give_back_invoice(application, event, given_back_because, situation)
    if action is Action.KEEP_HOLD:
        # A payment of the open invoice failed: it stays open and holds the place; the payer
        # and the person are told (once per failed attempt: its event names it).
        told = application.model_copy(update={"updated_at": situation.now}).with_emails(
            application.email(EmailKind.INVOICE_PAYMENT_FAILED, occasion=event.event_id)
        )
        return Settlement(action.value, reason, told.with_event(event.event_id))
    if action in CONFIRMING:
        invoice = application.invoice
        confirmed = _booked(application, situation, event.event_id).model_copy(
            update={
                "payment_intent": event.payment_intent,
                "amount_paid": event.amount_paid,
                "invoice": ended_invoice(invoice, "paid", event.paid_at or situation.now),
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


def _ended_invoice_as_stripe_says(
    application: Application, event: InvoiceEvent, now: datetime
) -> Application | None:
    """An invoice that already stopped holding the place and that Stripe has ended again (an
    uncollectible one voided): its status recorded as Stripe now holds it, nothing else
    changed, so the roster says what Stripe says. Only for the application's own invoice, and
    never from a final status (paid, void) back to another."""
    invoice = application.invoice
    status = {InvoiceEventKind.VOIDED: "void", InvoiceEventKind.UNCOLLECTIBLE: "uncollectible"}
    told = status.get(event.kind)
    if invoice is None or told is None or invoice.invoice_id != event.invoice_id:
        return None
    if application.has_open_invoice() or invoice.status in ("paid", "void", told):
        return None
    return application.model_copy(
        update={"invoice": ended_invoice(invoice, told), "updated_at": now}
    )


def _give_back_invoice(
    application: Application, event: InvoiceEvent, reason: str, situation: Situation
) -> Settlement:
    """An invoice payment the booking cannot honour goes back (keyed by the invoice)."""
    if event.payment_intent is None:
        # Paid outside Stripe (recorded by an organiser): nothing Stripe can give back. Kept
        # on record as received, the organisers told to give it back by hand.
        paid = ended_invoice(application.invoice, "paid", event.paid_at or situation.now)
        return kept_without_a_place(application, event, paid, reason, situation.now)
    app_id, course_id = application.application_id, application.course_id
    email = EmailJob.about(
        EmailKind.PAYMENT_REFUNDED,
        app_id,
        course_id,
        occasion=event.invoice_id,
        reason=reason,
        amount=event.amount_paid,
    ).model_copy(update={"refunded_invoice": _number_of(application, event)})
    # Recorded whatever the decision, so its refund's events find it and the money shown is
    # what Stripe took and gave back.
    given_back = application.with_payment(
        PaymentRecord(
            payment_intent=event.payment_intent,
            session_id="",
            invoice_id=event.invoice_id,
            amount=event.amount_paid,
            currency=event.currency,
            kept=False,
            reason=reason,
            paid_at=event.paid_at or situation.now,
        )
    )
    if reason == SUPERSEDED_INVOICE:
        # A late payment of what is no longer asked: the booking stays on the invoice it
        # holds now (or as it ended), as a checkout paid after a bursary replaced it would.
        new = given_back.model_copy(update={"updated_at": situation.now})
    else:
        new = _refunded(given_back, situation, event.payment_intent, event.amount_paid, reason)
    current = new.invoice
    if current is not None and current.invoice_id == event.invoice_id:
        # Its own invoice, paid at Stripe whatever was recorded of it (voided by an erasure
        # while Stripe was failing, say): the roster says what Stripe holds.
        new = new.model_copy(update={"invoice": ended_invoice(current, "paid")})
    refund = Refund(event.payment_intent, None, f"refund-{event.invoice_id}")
    return Settlement(
        Action.REFUND.value,
        reason,
        new.with_event(event.event_id).with_emails(email),
        before_save=(refund,),
    )


def _number_of(application: Application, event: InvoiceEvent) -> str:
    """The number of the invoice an event paid, as Stripe gave it, else as recorded."""
    invoice = application.invoice
    if event.number or invoice is None or invoice.invoice_id != event.invoice_id:
        return event.number
    return invoice.number or ""


def invoice_released(
    application: Application, now: datetime, reason: str, invoice_status: str
) -> Application:
    """The application after its invoice stopped holding the place (voided, uncollectible,
    overdue): the seat goes back, and the applicant and the billing contact are told."""
    invoice = application.invoice
    return released_to(
        application,
        S.EXPIRED,
        now,
        status_reason=reason,
        invoice=ended_invoice(invoice, invoice_status),
    ).with_emails(
        application.email(
            EmailKind.INVOICE_ENDED,
            occasion=invoice.invoice_id if invoice else f"hold{application.version}",
            reason=reason,
        )
    )


def invoiced(
    application: Application, invoice: InvoiceRef, now: datetime, timezone: str
) -> Application:
    """``application`` with ``invoice`` just sent by the provider: the seat is held until its
    due day has ended in the course's ``timezone``."""
    return application.moved_to(
        S.AWAITING_INVOICE_PAYMENT,
        now,
        seat_held=True,
        checkout=None,
        hold_expires_at=invoice_hold_ends(invoice.due_at, timezone),
        invoice=invoice,
        invoice_attempts=invoice.attempt,
        payment_method=PaymentMethod.INVOICE,
        status_reason=None,
        # Once each: one an earlier try of the act sent (and recorded first) is not new.
        invoices_issued=tuple(dict.fromkeys((*application.invoices_issued, invoice.invoice_id))),
    ).with_emails(
        application.email(
            EmailKind.INVOICE_SENT,
            occasion=invoice.invoice_id,
        )
    )
