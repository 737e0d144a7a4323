"""A payment received outside Stripe for a booking that can no longer have its place: an
organiser recorded the employer's bank transfer or cheque (its invoice marked paid at Stripe,
``services.paid_off_stripe``) just as the last place was taken, or a discount code's last use.
Stripe holds no payment to give back, so the money is kept on record as received, and goes
back by hand: the booking, still waiting on that invoice, ends cancelled for why, keeping the
money (paid in, received outside Stripe), so the course's money counts it, its page offers to
record it given back by hand once it is (``domain.given_back``), and a refund of it is refused
saying so (``domain.off_stripe``). The organisers are told to give it back (an anomaly); the
person and the billing contact who paid are told, once (the message keyed by the invoice), that
the place could not be held and that the organisers will give the money back the way it came.
Pure.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import InvoiceRef
from booking.domain.billing_notices import KEPT_TO_GIVE_BACK_BY_HAND
from booking.domain.commands import NoteAnomaly, Settlement
from booking.domain.emails import EmailKind
from booking.domain.invoices import InvoiceEvent
from booking.domain.limits import released_to


def kept_without_a_place(
    application: Application,
    event: InvoiceEvent,
    paid: InvoiceRef | None,
    reason: str,
    now: datetime,
) -> Settlement:
    """What the ``invoice.paid`` of an invoice paid outside Stripe does to a booking that
    cannot keep its place for ``reason`` (``paid``: its invoice, as Stripe now holds it).
    Its own open invoice: the money recorded and the booking cancelled, keeping it. Any other
    (a late mark of an invoice the booking no longer waits on): nothing but the anomaly."""
    anomaly = NoteAnomaly(
        event.event_id,
        KEPT_TO_GIVE_BACK_BY_HAND,  # the organisers' anomaly: money to give back by hand
        {"application_id": application.application_id, "invoice_id": event.invoice_id},
    )
    kept = application.model_copy(update={"updated_at": now})
    if _waiting_on(application, event.invoice_id):
        received = application.model_copy(update={"amount_paid": event.amount_paid})
        kept = released_to(
            received, ApplicationStatus.CANCELLED, now, status_reason=reason, invoice=paid
        )
        # Told once, keyed by the invoice: Stripe's own event of it, or its redelivery, finds
        # the booking no longer waiting on it and adds nothing.
        told = kept.email(
            EmailKind.CANCELLED, occasion=event.invoice_id, reason=KEPT_TO_GIVE_BACK_BY_HAND
        )
        kept = kept.with_emails(told)
    return Settlement(
        "keep", "paid_outside_stripe", kept.with_event(event.event_id), before_save=(anomaly,)
    )


def _waiting_on(application: Application, invoice_id: str) -> bool:
    """Whether ``application`` waits on ``invoice_id`` for its payment, none recorded yet."""
    invoice = application.invoice
    return (
        invoice is not None
        and invoice.invoice_id == invoice_id
        and application.has_open_invoice()
        and not application.amount_paid
        and application.payment_intent is None
    )
