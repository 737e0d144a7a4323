"""What Stripe's events mean for a group booking: a payment of its checkout or invoice taken,
refused or given back, or a failed one told (``GroupMove``), and why an ending Stripe reports
ends it. The group's
own state and its changes stay in ``domain.groups``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupBooking, GroupStatus
from booking.domain.invoice_voiding import void_ends_the_hold
from booking.domain.invoices import InvoiceEventKind


class GroupMove(StrEnum):
    PAID = "paid"  # record the payment: the places are the colleagues' now
    LAPSED = "lapsed"  # the seats go back
    REFUND = "refund"  # money that cannot be honoured: give it back whole
    TOLD = "keep_hold"  # the invoice stays open, its places held: the manager and payer told
    IGNORE = "ignore"


# The invoice events that leave a group's invoice open, holding its places, and why: overdue
# (nothing till the organiser voids it, or the sweep at its due day's end), a payment of it
# failed (it may be paid again till it is due: told, ``decide_left_open``).
LEFT_OPEN = {
    InvoiceEventKind.OVERDUE: "a group's invoice is overdue",
    InvoiceEventKind.PAYMENT_FAILED: "a payment of a group's invoice failed: it stays open",
}


def decide_paid(
    group: GroupBooking, object_id: str, amount: int, currency: str, payment_intent: str | None
) -> GroupMove:
    """A payment of the group's checkout or invoice ``object_id`` (recorded by this group)."""
    if payment_intent is not None and payment_intent == group.payment_intent:
        return GroupMove.IGNORE  # this very payment, delivered again
    if why_not_taken(group, object_id, amount, currency) is None:
        return GroupMove.PAID
    return GroupMove.REFUND if payment_intent is not None else GroupMove.IGNORE


def why_not_taken(group: GroupBooking, object_id: str, amount: int, currency: str) -> str | None:
    """Why a payment of ``object_id`` cannot pay the group, the first that holds (None: it can;
    said by ``group_notices.RETURNED_BECAUSE``), recorded on the manager's email of it."""
    if group.status not in (GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT):
        return "paid_twice" if group.status is GroupStatus.PAID else "ended"
    if not _current(group, object_id):
        return "replaced"
    matches = amount == group.total.amount and currency.lower() == group.total.currency
    return None if matches else "amount"


def _current(group: GroupBooking, object_id: str) -> bool:
    return (group.checkout is not None and group.checkout.session_id == object_id) or (
        group.invoice is not None and group.invoice.invoice_id == object_id
    )


def decide_ended(group: GroupBooking, object_id: str, *, ended_as: GroupEnding) -> GroupMove:
    """The group's checkout expired, or its invoice was voided or fell due (``ending_of``),
    ``ended_as``. A void asked to replace the invoice (``replacing_invoice``) ends nothing,
    unless an organiser (or an erasure) asked for it too (``void_asked_for``): the one rule
    of ``invoice_voiding.void_ends_the_hold``, a person's invoice's too. Every caller says
    how it ended (left out, the guard was silently off)."""
    awaiting = group.status in (GroupStatus.AWAITING_PAYMENT, GroupStatus.AWAITING_INVOICE_PAYMENT)
    replaced = ended_as is GroupEnding.VOIDED_AT_STRIPE and not void_ends_the_hold(
        marked_for_an_act=group.replacing_invoice == object_id,
        void_asked=group.void_asked_for == object_id,
    )
    # A checkout an act is expiring (a place given up): the act's save ends or replaces it.
    checkout = group.checkout
    expiring = checkout is not None and checkout.session_id == object_id and checkout.expiring
    ends = awaiting and _current(group, object_id) and not replaced and not expiring
    return GroupMove.LAPSED if ends else GroupMove.IGNORE


def ending_of(
    group: GroupBooking, object_id: str, ended_as: GroupEnding, now: datetime
) -> GroupEnding:
    """Why Stripe's event about ``object_id`` (saying ``ended_as``) ends ``group`` at ``now``:
    a void of the invoice an organiser (or an erasure) asked to void is theirs, whichever of
    their step and Stripe's event arrives first; a void once its hold had ended unpaid (the
    sweep's, asked before it lets the places go) ends it as not paid by its due date."""
    if ended_as is not GroupEnding.VOIDED_AT_STRIPE:
        return ended_as
    if group.void_asked_for == object_id:
        return group.void_asked_because or GroupEnding.VOIDED_BY_ORGANISER
    lapses = group.hold_lapses_at()
    if group.invoice is not None and lapses is not None and lapses <= now:
        return GroupEnding.NOT_PAID_BY_DEADLINE
    return ended_as


def decide_left_open(
    group: GroupBooking, invoice_id: str, kind: InvoiceEventKind, now: datetime
) -> GroupMove:
    """An event that leaves the group's invoice ``invoice_id`` open (``LEFT_OPEN``). A failed
    payment of the invoice holding its places, within its hold, is told to the manager and
    the billing contact, as one person's is (``domain.invoices._payment_failed``): so a bank debit
    that failed days later is not taken for paid, the places lapsing at
    the due date unexplained. Nothing else changes, and nothing is given back (no money was
    taken). Not told: an overdue invoice (the sweep's end says it), one replaced or being
    voided (its act's words say it), or a hold already ended."""
    if kind is not InvoiceEventKind.PAYMENT_FAILED:
        return GroupMove.IGNORE
    invoice = group.invoice
    lapses = group.hold_lapses_at()
    holding = (
        group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and invoice is not None
        and invoice.invoice_id == invoice_id
        and invoice_id not in (group.replacing_invoice, group.void_asked_for)
    )
    within = lapses is None or now < lapses
    return GroupMove.TOLD if holding and within else GroupMove.IGNORE
