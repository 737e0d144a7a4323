"""What the webhook believes of a signed Stripe event, before it reads or writes anything for
it: the one place where a payment an event names, and a refund total it reports, are weighed
against what was recorded (DESIGN: a provider's object is believed only for the application
that recorded its id).

- **A payment is its recorder's.** A checkout or an invoice event is believed for the booking
  (application or group) that recorded the session or invoice it is about; the payment intent
  it carries is believed for that booking only when no other booking recorded it. A payment
  already recorded elsewhere is that other booking's, whatever this event says: believing it
  here would confirm a place on someone else's money, and a later refund of this booking would
  give back the other one's charge. A payment no booking recorded yet is recorded first only
  when Stripe's checkout session that the booking recorded is complete and paid, and paid
  with that payment (one read of the session at Stripe; a session Stripe does not hold is
  a 503, see ``checkout_not_paid_with``); an invoice's payment is read from Stripe's invoice
  itself. A payment of a session nobody recorded is given back only on the same word of
  Stripe's.
- **An invoice is paid when Stripe holds it paid.** A signed ``invoice.paid`` is believed only
  after one read of the invoice at Stripe (the second client) says it is paid, the payment
  that paid it read in the same answer: an invoice Stripe still holds open confirms nothing
  (200, refused at ERROR, nothing written); an invoice a booking recorded that Stripe does not
  hold, or Stripe unreachable: 503 (``invoice_as_stripe_holds``).
- **A refund is Stripe's.** A signed refund event (``charge.refunded``, ``refund.*``) that
  would change what a booking recorded is believed only after one read of the payment's
  refunds at Stripe (its second client: a short timeout, no retries): a refund Stripe does
  not hold for that payment, or a charge total with none behind it, is refused (anyone with the
  webhook secret could otherwise refund our records); one it holds is
  recorded with Stripe's amount and status, not the event's, and the charge's total as
  Stripe's succeeded refunds of it add up (a pending one may still fail; a failed one, even
  after it succeeded, gave nothing back). Stripe unreachable, or not
  holding a payment a booking recorded as Stripe's (our misconfiguration, never forgery): 503,
  so Stripe delivers the event again. A payment recorded as one Stripe holds no trace of (only
  an event claimed it, ``Application.with_payment_unknown_to_provider``) was refunded by
  nobody: an event saying so is refused unread. An event that changes nothing
  (a redelivery, this system's own refund recorded when made) reads nothing.
- **Never more given back than was paid.** A refund event (``charge.refunded``, ``refund.*``)
  whose total would show a payment refunded above what it took is not recorded: Stripe never
  refunds more than a charge took, so such an event is not Stripe's account of that payment.

A refused event is logged (ids and amounts only, at ERROR for the organisers' alarm) and
answered 200, so Stripe stops delivering it; nothing is written for it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.errors import Conflict, DependencyUnavailable, UnknownToProvider
from booking.domain.invoices import InvoiceEvent
from booking.domain.payments import RefundEvent
from booking.domain.refund_figures import refund_figures, refunded_after
from booking.services.payment_recorders_port import PaymentRecorders
from booking.services.ports import InvoiceAtStripe, Ports

if TYPE_CHECKING:  # read, never built here: a booking's own events load no group model
    from booking.domain.groups import GroupBooking

logger = Logger(child=True)

RECORDED_BY_ANOTHER_APPLICATION = "payment_recorded_by_another_application"
RECORDED_BY_A_GROUP = "payment_recorded_by_a_group"
GIVEN_BACK_FOR_NOBODY = "payment_given_back_for_nobody"
REFUNDED_BEYOND_PAID = "refunded_beyond_paid"
NOT_MADE_BY_ITS_CHECKOUT = "payment_not_made_by_the_bookings_checkout"
UNKNOWN_AT_STRIPE = "checkout_session_unknown_at_stripe"
REFUND_UNKNOWN_AT_STRIPE = "refund_unknown_at_stripe"
INVOICE_NOT_PAID_AT_STRIPE = "invoice_not_paid_at_stripe"


def payment_not_believed(
    ports: Ports,
    payment_intent: str | None,
    *,
    made_by: str | None,
    application_id: str | None = None,
    group_id: str | None = None,
    recorders: PaymentRecorders | None = None,
) -> str | None:
    """Why ``payment_intent`` is not believed for the booking an event is about (the
    application ``application_id`` or the group ``group_id``): another booking recorded it, or,
    recorded by none, the checkout session that booking recorded (``made_by``) did not make
    it at Stripe. ``made_by`` None: the payment was read from Stripe's own object already (an
    invoice's). ``recorders``: every record of the payment, when the caller read them already
    (with the course, in the paid event's one batch read). None: believed (no payment named,
    or this booking's)."""
    if not payment_intent:
        return None
    if recorders is None:  # every record of the payment in one read, not three
        recorders = ports.repository.recorders_of_payment(payment_intent)
    if recorders.application_id is not None and recorders.application_id != application_id:
        return RECORDED_BY_ANOTHER_APPLICATION
    if recorders.group_id is not None and recorders.group_id != group_id:
        return RECORDED_BY_A_GROUP
    if recorders.given_back_for_nobody:
        return GIVEN_BACK_FOR_NOBODY  # money this system gave back as nobody's
    recorded_here = recorders.application_id is not None or recorders.group_id is not None
    if made_by is None or recorded_here:
        return None  # weighed when this booking first recorded it
    # Its first recording: a signed event's word that the booking's checkout was paid with
    # this payment is checked with Stripe (one read of the session the booking recorded).
    return checkout_not_paid_with(ports, made_by, payment_intent)


def checkout_not_paid_with(
    ports: Ports, session_id: str, payment_intent: str, *, recorded: bool = True
) -> str | None:
    """Why a signed event's word that the checkout session ``session_id`` was paid with
    ``payment_intent`` is not believed: Stripe's session is not complete and paid, or was
    paid with another payment (a session holds its payment from the moment the payer
    confirms, before the money is taken: a declined or still-processing one too). None:
    Stripe says so. A session Stripe does not hold is no forger's doing (nobody can make
    Stripe forget a session) but our misconfiguration, such as another account's key:
    DependencyUnavailable, so the event is answered 503, Stripe delivers it again and the
    alarm hears it, instead of a paid place acknowledged and lost. ``recorded`` False: a
    session no booking recorded, which Stripe not holding makes nobody's (not believed)."""
    try:
        held = ports.payments.checkout_at_stripe(session_id)
    except Conflict as exc:  # UnknownToProvider among them
        if not recorded and isinstance(exc, UnknownToProvider):
            return UNKNOWN_AT_STRIPE
        raise DependencyUnavailable(
            "the payment provider does not hold the checkout session an event names",
            code="payment_provider_unavailable",
        ) from exc
    return None if held.paid_with(payment_intent) else NOT_MADE_BY_ITS_CHECKOUT


def paid_as_stripe_holds(
    ports: Ports, event: InvoiceEvent
) -> tuple[InvoiceEvent, InvoiceAtStripe | None]:
    """A signed ``invoice.paid`` as Stripe holds its invoice (``invoice_as_stripe_holds``,
    read once before deciding): whether it is paid, the payment that paid it (to record, or
    to give back), what was paid, its number and when it was paid, from Stripe, not the event;
    and the read."""
    held = invoice_as_stripe_holds(ports, event.invoice_id)
    if held is None:
        return replace(event, payment_intent=None), None
    believed = replace(
        event,
        payment_intent=held.payment_intent,
        amount_paid=held.amount_paid,
        currency=held.currency,
        number=held.number,
        paid_at=held.paid_at or event.paid_at,
    )
    return believed, held


def invoice_as_stripe_holds(ports: Ports, invoice_id: str) -> InvoiceAtStripe | None:
    """The invoice ``invoice_id`` as Stripe holds it (one read, the payment that paid it
    included), before a signed ``invoice.paid`` is believed. None: Stripe holds no such
    invoice, which the caller weighs (nobody's: nothing to do; a booking's: our
    misconfiguration, a 503). Stripe unreachable, or refusing the read: DependencyUnavailable
    (503: Stripe delivers the event again; the alarm hears it)."""
    try:
        return ports.payments.invoice_at_stripe(invoice_id)
    except UnknownToProvider:
        return None
    except Conflict as exc:
        raise DependencyUnavailable(
            "the payment provider would not say whether the invoice was paid",
            code="payment_provider_unavailable",
        ) from exc


def refund_as_stripe_holds(ports: Ports, event: RefundEvent) -> RefundEvent | None:
    """``event`` as Stripe holds its refund (one read of the payment's refunds): a refund by
    id with Stripe's amount and status, and the charge's total as Stripe's succeeded refunds
    of it add up (a pending one is not given back yet).
    None: Stripe holds no such refund of that payment (none at all, for a charge's total), so
    the event is not believed; a charge's total Stripe's refunds of it no longer make up (all
    failed) is believed as Stripe's, 0 included. A payment Stripe does not hold, or Stripe
    unreachable: DependencyUnavailable (503: Stripe delivers the event again; the alarm hears
    it)."""
    try:
        held = ports.payments.refunds_at_stripe(event.payment_intent)
    except Conflict as exc:  # UnknownToProvider among them: a payment a booking recorded
        raise DependencyUnavailable(
            "the payment provider does not hold the payment a refund event names",
            code="payment_provider_unavailable",
        ) from exc
    # What Stripe has given back of the payment: its succeeded refunds (a pending one may
    # still fail, and a failed one gave nothing back), 0 too when all failed since: a real
    # event that is then no news, and no forgery to alarm on.
    total = sum(refund.amount for refund in held if refund.succeeded)
    if event.refund_id is not None:
        found = next((refund for refund in held if refund.refund_id == event.refund_id), None)
        if found is None:
            return None
        # The charge's total from the same read, so a refund that failed after it was counted
        # leaves nothing counted as given back.
        return replace(
            event,
            refund_amount=found.amount,
            refund_succeeded=found.succeeded,
            refund_failed=found.status == "failed",
            charge_amount_refunded=total,
        )
    if not held:  # a charge's total with no refund behind it
        return None
    return replace(event, charge_amount_refunded=total)


def refund_of_a_payment_stripe_never_held(application: Application, event: RefundEvent) -> bool:
    """Whether ``event`` names a payment ``application`` recorded as one Stripe holds no trace
    of: Stripe refunds nothing it never took, so the event is refused without a read (a read
    would find no such payment, a 503 asking for a forger's event again)."""
    record = application.payment(event.payment_intent)
    return record is not None and record.unknown_to_provider


def refund_is_news(
    refunds: dict[str, int], charge_amount_refunded: int, event: RefundEvent
) -> bool:
    """Whether recording ``event`` would change a payment's two figures of its refunds (each by
    id, the charge's total): only then is it read back at Stripe."""
    return refund_figures(refunds, charge_amount_refunded, event) != (
        refunds,
        charge_amount_refunded,
    )


def refund_news_for_application(application: Application, event: RefundEvent) -> bool:
    """Whether ``event`` would change what ``application`` recorded of the payment it names,
    beyond Stripe's account of the refunds this system made of it. A refund
    said failed that it does not hold as failed is news: the failure is kept (and alarmed,
    and refuses *Refund*) only as Stripe holds it (``domain.refund_failed``)."""
    if event.refund_failed and event.refund_id not in application.refunds_failed:
        return True
    if event.payment_intent == application.payment_intent:
        if made_here_as_said(application, event):
            return False
        if event.refund_id in application.refunds_made and not event.refund_succeeded:
            return True  # a refund made here failed since: what it gave back is read again
        return refund_is_news(application.refunds, application.charge_amount_refunded, event)
    record = application.payment(event.payment_intent)
    if record is None:
        return False
    return refund_is_news(record.refunds, record.charge_amount_refunded, event)


def made_here_as_said(application: Application, event: RefundEvent) -> bool:
    """Whether ``event`` says only what this system knows it made of the booking's own
    payment, by the refund ids it recorded when Stripe made them (``refunds_made``), never by
    the event's request key or metadata (the sender's word): a refund made here, succeeded at
    the amount Stripe made it; or a charge's total neither below the one recorded nor above
    the refunds known by id, those made here included. Anything else is read at Stripe."""
    made = application.refunds_made
    if event.refund_id is not None:
        return event.refund_succeeded and made.get(event.refund_id) == event.refund_amount
    total = event.charge_amount_refunded
    known = sum({**application.refunds, **made}.values())
    return total is not None and application.charge_amount_refunded <= total <= known


def refund_beyond_application(application: Application, event: RefundEvent) -> bool:
    """Whether ``event`` would show the application's payment it names refunded above what
    that payment took (its first charge, or any other it recorded)."""
    if event.payment_intent == application.payment_intent:
        paid, refunds, by_charge = (
            application.amount_paid,
            application.refunds,
            application.charge_amount_refunded,
        )
    else:
        record = application.payment(event.payment_intent)
        if record is None:
            return False
        paid, refunds, by_charge = record.amount, record.refunds, record.charge_amount_refunded
    return refunded_after(refunds, by_charge, event) > paid


def refund_beyond_group(group: GroupBooking, event: RefundEvent) -> bool:
    """Whether ``event`` would show the group's payment refunded above what it took (a
    payment it gave back whole was refunded by this system, at most what it took)."""
    if event.payment_intent != group.payment_intent:
        return False
    refunds = {**group.refunds_at_stripe, **group.refunds}
    return refunded_after(refunds, group.charge_amount_refunded, event) > group.amount_paid


def refused(event_id: str, reason: str, **ids: str) -> None:
    """An event not believed, in the log: ids and the reason only."""
    logger.error("stripe event not believed", extra={"event_id": event_id, "reason": reason, **ids})


__all__ = [
    "INVOICE_NOT_PAID_AT_STRIPE",
    "NOT_MADE_BY_ITS_CHECKOUT",
    "REFUNDED_BEYOND_PAID",
    "REFUND_UNKNOWN_AT_STRIPE",
    "checkout_not_paid_with",
    "invoice_as_stripe_holds",
    "made_here_as_said",
    "paid_as_stripe_holds",
    "payment_not_believed",
    "refund_as_stripe_holds",
    "refund_beyond_application",
    "refund_beyond_group",
    "refund_is_news",
    "refund_news_for_application",
    "refund_of_a_payment_stripe_never_held",
    "refused",
]
