"""A Stripe event about a group booking's checkout or invoice (``services.payments`` asks,
once no application recorded the object): routed to the group's money rules
(``services.group_payments``). Loaded by the first event that is a group's, never at the
webhook's init (its cold start)."""

from __future__ import annotations

from booking.domain.group_endings import GroupEnding
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.domain.paying import paid_at
from booking.domain.payments import CheckoutEvent, CheckoutEventKind
from booking.services.earlier_try_paid import group_replacement_completed_by_its_payment
from booking.services.group_payments import (
    GroupOutcome,
    group_checkout_completed,
    group_invoice_left_open,
    group_money_event,
)
from booking.services.ports import Ports

# How each Stripe event that ends a group's checkout or invoice unpaid names the ending.
_GROUP_INVOICE_ENDINGS = {
    InvoiceEventKind.VOIDED: GroupEnding.VOIDED_AT_STRIPE,
    InvoiceEventKind.UNCOLLECTIBLE: GroupEnding.MARKED_UNCOLLECTIBLE,
}
_GROUP_CHECKOUT_ENDINGS = {
    CheckoutEventKind.EXPIRED: GroupEnding.CHECKOUT_EXPIRED,
    CheckoutEventKind.FAILED: GroupEnding.PAYMENT_FAILED,
}


def group_checkout_event(ports: Ports, event: CheckoutEvent) -> GroupOutcome | None:
    """A group's checkout: its payment, or its expiry (None: no group recorded the session).
    A payment still settling changes nothing until it settles or fails."""
    if event.kind is CheckoutEventKind.PENDING:
        completed = group_checkout_completed(
            ports,
            event_id=event.event_id,
            session_id=event.session_id,
            at=event.created or ports.clock(),
        )
        return completed
    ended_as = _GROUP_CHECKOUT_ENDINGS.get(event.kind)  # None: paid
    outcome = group_money_event(
        ports,
        event_id=event.event_id,
        object_id=event.session_id,
        amount=event.amount_total,
        currency=event.currency,
        payment_intent=event.payment_intent if ended_as is None else None,
        ended_as=ended_as,
        paid_at=paid_at(event, ports.clock()),
        taken_at=event.created,
    )
    return outcome


def group_invoice_event(ports: Ports, event: InvoiceEvent) -> GroupOutcome | None:
    """A group's invoice: paid, ended unpaid, or left open (a failed payment of it told)."""
    if event.kind in (InvoiceEventKind.OVERDUE, InvoiceEventKind.PAYMENT_FAILED):
        left_open = group_invoice_left_open(
            ports, event_id=event.event_id, invoice_id=event.invoice_id, kind=event.kind
        )
        return left_open
    if event.kind is InvoiceEventKind.PAID:
        # The new invoice a stopped try of a give-up or a correction sent is the group's: the
        # replacement completed with it.
        group_replacement_completed_by_its_payment(ports, event.invoice_id)
    outcome = group_money_event(
        ports,
        event_id=event.event_id,
        object_id=event.invoice_id,
        amount=event.amount_paid,
        currency=event.currency,
        payment_intent=event.payment_intent,
        ended_as=_GROUP_INVOICE_ENDINGS.get(event.kind),  # None: paid
        checked_at_stripe=True,  # apply_invoice_event read the paying payment from Stripe
        paid_number=event.number,  # read with it: named if given back
        taken_at=event.paid_at,  # read with it too
    )
    return outcome
